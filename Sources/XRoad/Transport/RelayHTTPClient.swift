import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SandboxCrypto
import Synchronization

/// HTTP/1.1 for the two hops a security server makes in every exchange: to the provider's security
/// server (mutual TLS) and to the provider's backend.
///
/// Why not AsyncHTTPClient, which the rest of the sandbox uses: X-Road's consumer checks *which* server
/// answered — the certificate the provider's server presented must be an authentication certificate of
/// a server hosting the provider — and AsyncHTTPClient does not say which certificate a response came
/// over. This client hands it to the caller's check before a request is sent. Its one request at a time
/// per connection, the whole answer gathered on the event loop and awaited once, also costs about half of
/// what AsyncHTTPClient's general machinery (streaming bodies, request state machines, pool events) cost
/// per exchange (a profile of `sandbox up` under load: 8 % of an exchange against 14 %).
///
/// Connections are kept per scheme, host and port and reused while the server keeps them alive; above
/// `idleLimit` per origin, extra connections are opened and closed after use (AsyncHTTPClient's soft
/// limit). Redirects are returned, never followed; bodies are not decompressed.
final class RelayHTTPClient: Sendable {
    struct Response: Sendable {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
        /// Whether the connection can carry another request.
        let reusable: Bool
    }

    /// An open connection, and what its TLS handshake showed.
    struct Connection: Sendable {
        let channel: any Channel
        /// The DER of the certificate the server presented; nil on a plain connection.
        let peerCertificate: [UInt8]?
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidURL(String)
        case timedOut
        case connectionClosed
        case bodyTooLarge(limit: Int)

        var description: String {
            switch self {
            case .invalidURL(let reason): "invalid URL: \(reason)"
            case .timedOut: "no complete answer before the deadline"
            case .connectionClosed: "the connection closed before a complete answer"
            case .bodyTooLarge(let limit): "the answer's body exceeds \(limit) bytes"
            }
        }
    }

    private let tls: TLSConfiguration
    /// Made from ``tls`` on the first `https` connection (most backends are plain HTTP).
    private let tlsContext = Mutex<NIOSSLContext?>(nil)
    private let group: any EventLoopGroup
    private let idleLimit: Int
    private let connectTimeout: TimeAmount
    /// Connections waiting for their next request, by origin, the most recently used last.
    private let idle = Mutex<[RelayEndpoint.Origin: [Connection]]>([:])

    /// - Parameter tls: for `https` URLs: the client identity and trust (``PeerTLS/client`` between security
    ///   servers); by default, the system's trust roots with host name verification.
    init(
        tls: TLSConfiguration = .makeClientConfiguration(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, idleLimit: Int = 64,
        connectTimeout: TimeAmount = .seconds(10)
    ) {
        self.tls = tls
        self.group = group
        self.idleLimit = idleLimit
        self.connectTimeout = connectTimeout
    }

    deinit {
        for connection in idle.withLock({ $0.values.flatMap { $0 } }) { connection.channel.close(promise: nil) }
    }

    /// Sends one request and returns the whole answer.
    /// - Parameters:
    ///   - timeout: for everything: connecting, the TLS handshake, sending, and the last byte of the answer.
    ///   - bodyLimit: the largest answer body accepted; a larger one fails with ``Failure/bodyTooLarge(limit:)``.
    ///   - checkPeer: called with the server's certificate (nil on a plain connection) before anything is
    ///     sent; what it throws fails the request, and the connection is closed.
    /// - Throws: ``Failure``; the TLS handshake's `NIOSSLError` or `BoringSSLError`; NIO's connection errors;
    ///   what `checkPeer` throws.
    func execute(
        _ method: HTTPMethod, url: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil, timeout: TimeAmount, bodyLimit: Int,
        checkPeer: (([UInt8]?) async throws -> Void)? = nil
    ) async throws -> Response {
        let endpoint: RelayEndpoint
        do {
            endpoint = try RelayEndpoint(parsing: url)
        } catch {
            throw Failure.invalidURL(error.description)
        }
        let deadline = NIODeadline.now() + timeout
        let connection = try await connection(to: endpoint.origin, timeout: timeout)
        let channel = connection.channel
        if let checkPeer {
            do {
                try await checkPeer(connection.peerCertificate)
            } catch {
                channel.close(promise: nil)
                throw error
            }
        }

        var head = HTTPRequestHead(version: .http1_1, method: method, uri: endpoint.target, headers: headers)
        // Framing and routing are this client's: the caller's copies of these are dropped.
        for name in ["host", "content-length", "transfer-encoding", "connection"] { head.headers.remove(name: name) }
        head.headers.add(name: "Host", value: endpoint.origin.hostHeader)
        let length = body?.readableBytes ?? 0
        if length > 0 || [.POST, .PUT, .PATCH].contains(method) { head.headers.add(name: "Content-Length", value: String(length)) }

        let answer = channel.eventLoop.makePromise(of: Response.self)
        let call = RelayCall(head: head, body: body, bodyLimit: bodyLimit, deadline: deadline, answer: answer)
        // The write fails only if the connection closed before its handler took the call; from then on the
        // handler answers.
        channel.writeAndFlush(call).whenFailure { answer.fail($0) }
        let response = try await answer.futureResult.get()
        if response.reusable {
            release(connection, to: endpoint.origin)
        } else {
            channel.close(promise: nil)
        }
        return response
    }

    /// An idle connection to `origin`, or a new one once its TLS handshake is done.
    private func connection(to origin: RelayEndpoint.Origin, timeout: TimeAmount) async throws -> Connection {
        while let reused = idle.withLock({ $0[origin]?.popLast() }) {
            if reused.channel.isActive { return reused }
        }
        let sslContext = origin.secure ? try context() : nil
        // Server names are sent in the TLS handshake (SNI), addresses are not.
        let serverHostname = IPAddress.bytes(origin.host) == nil ? origin.host : nil
        let handshake = Mutex<EventLoopFuture<[UInt8]?>?>(nil)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(min(connectTimeout, timeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [weak self] channel in
                do {
                    let handlers = channel.pipeline.syncOperations
                    var handshakeDone: EventLoopPromise<[UInt8]?>?
                    if let sslContext {
                        try handlers.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                        handshakeDone = channel.eventLoop.makePromise()
                        handshake.withLock { $0 = handshakeDone?.futureResult }
                    }
                    try handlers.addHTTPClientHandlers()
                    try handlers.addHandler(RelayConnectionHandler(handshake: handshakeDone) { self?.forget(channel, of: origin) })
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let channel = try await bootstrap.connect(host: origin.host, port: origin.port).get()
        guard let handshakeDone = handshake.withLock({ $0 }) else { return Connection(channel: channel, peerCertificate: nil) }
        do {
            return Connection(channel: channel, peerCertificate: try await handshakeDone.get())
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private func release(_ connection: Connection, to origin: RelayEndpoint.Origin) {
        let kept = idle.withLock { idle -> Bool in
            guard connection.channel.isActive, idle[origin, default: []].count < idleLimit else { return false }
            idle[origin, default: []].append(connection)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    /// Takes a closed connection out of the idle ones, so that no request is sent on it.
    private func forget(_ channel: any Channel, of origin: RelayEndpoint.Origin) {
        idle.withLock { idle in idle[origin]?.removeAll { $0.channel === channel } }
    }

    private func context() throws -> NIOSSLContext {
        try tlsContext.withLock { context in
            if let context { return context }
            let made = try NIOSSLContext(configuration: tls)
            context = made
            return made
        }
    }
}
