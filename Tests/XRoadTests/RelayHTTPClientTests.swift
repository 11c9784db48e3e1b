import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SandboxCore
import SandboxCrypto
import Synchronization
import Testing
@testable import XRoad

@Suite("Relay URLs")
struct RelayEndpointTests {
    @Test func theOriginAndTargetAreReadFromAnAbsoluteURL() throws {
        let plain = try RelayEndpoint(parsing: "http://127.0.0.1:9101/v1/companies?rccm=RB%2FCOT")
        #expect(plain == RelayEndpoint(origin: .init(secure: false, host: "127.0.0.1", port: 9101), target: "/v1/companies?rccm=RB%2FCOT"))
        #expect(plain.origin.hostHeader == "127.0.0.1:9101")
        let secure = try RelayEndpoint(parsing: "HTTPS://registry.example.bj")
        #expect(secure == RelayEndpoint(origin: .init(secure: true, host: "registry.example.bj", port: 443), target: "/"))
        #expect(secure.origin.hostHeader == "registry.example.bj")
        #expect(try RelayEndpoint(parsing: "http://[::1]:8080?x=1").target == "/?x=1")
        #expect(try RelayEndpoint(parsing: "http://[::1]:8080?x=1").origin.hostHeader == "[::1]:8080")
        #expect(try RelayEndpoint(parsing: "http://h/p#fragment").target == "/p")
        #expect(try RelayEndpoint(parsing: "http://h:80/").origin.hostHeader == "h")
    }

    @Test(arguments: [
        ("ftp://h/", "only http:// and https://"), ("http://user:secret@h/", "user names"), ("http://h/a b", "space"),
        ("http://h/\u{7F}", "control"), ("http://h:0/", "port"), ("http://h:65536/", "port"), ("http://h:x/", "port"), ("http://h:/", "port"),
        ("http:///path", "no host"), ("http://[::1/", "IPv6"), ("http://[::1]x/", "IPv6"), ("http://h:123456/", "port"),
    ])
    func aURLThatCannotBeCalledIsRefusedWithItsReason(url: String, reason: String) {
        #expect {
            try RelayEndpoint(parsing: url)
        } throws: { error in
            (error as? RelayEndpoint.Invalid)?.description.contains(reason) == true
        }
    }
}

/// A request context that tells which connection a request came on.
struct ConnectionContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
    var remoteAddress: SocketAddress? { channel.remoteAddress }
}

/// The client against a real server: framing, reuse, limits, deadlines, and the peer certificate check.
@Suite("Relay HTTP client")
struct RelayHTTPClientTests {
    /// A server on a free loopback port; `hits` counts the requests that reached it.
    final class TestServer: Sendable {
        let url: String
        let counter = HitCounter()
        var hits: Int { counter.hits.load(ordering: .relaxed) }
        private let task: Task<Void, any Error>

        init(tls: TLSConfiguration? = nil) async throws {
            let port = try PortProbe.freePort()
            let router = Router(context: ConnectionContext.self)
            router.middlewares.add(CountingMiddleware(counter: counter))
            router.get("/echo") { request, context in
                let head = "\(request.method) \(request.uri) host=\(request.head.authority ?? "-") length=\(request.headers[.contentLength] ?? "-")"
                return "\(head) port=\(context.remoteAddress?.port ?? 0)"
            }
            router.post("/echo") { request, context in
                let body = try await request.body.collect(upTo: 1 << 20)
                return "POST \(String(buffer: body)) length=\(request.headers[.contentLength] ?? "-")"
            }
            router.head("/echo") { _, _ in Response(status: .ok, headers: [.contentLength: "5"]) }
            router.get("/redirect") { _, _ in Response(status: .found, headers: [.location: "/echo"]) }
            router.get("/large") { _, _ in String(repeating: "x", count: 4096) }
            router.get("/slow") { _, _ in
                try await Task.sleep(for: .seconds(30))
                return "late"
            }
            router.get("/close") { _, _ in Response(status: .ok, headers: [.connection: "close"], body: .init(byteBuffer: ByteBuffer(string: "bye"))) }
            var logger = Logger(label: "relay-tests")
            logger.logLevel = .critical
            let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: port))
            if let tls {
                let application = Application(router: router, server: try .tls(.http1(), tlsConfiguration: tls), configuration: configuration, logger: logger)
                task = Task { try await application.runService() }
                url = "https://127.0.0.1:\(port)"
            } else {
                let application = Application(router: router, configuration: configuration, logger: logger)
                task = Task { try await application.runService() }
                url = "http://127.0.0.1:\(port)"
            }
            let deadline = Date().addingTimeInterval(30)
            while PortProbe.isFree(port: port), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }

        func stop() { task.cancel() }
    }

    final class HitCounter: Sendable {
        let hits = Atomic<Int>(0)
    }

    struct CountingMiddleware: RouterMiddleware {
        let counter: HitCounter
        func handle(_ request: Request, context: ConnectionContext, next: (Request, ConnectionContext) async throws -> Response) async throws -> Response {
            counter.hits.add(1, ordering: .relaxed)
            return try await next(request, context)
        }
    }

    func text(_ response: RelayHTTPClient.Response) -> String { String(buffer: response.body) }

    @Test func requestsCarryTheirHostAndLengthAndShareAConnection() async throws {
        let server = try await TestServer()
        let client = RelayHTTPClient()
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "forged.example")
        headers.add(name: "Content-Length", value: "999")
        let first = try await client.execute(.GET, url: server.url + "/echo?q=1", headers: headers, timeout: .seconds(5), bodyLimit: 1 << 20)
        let port = try #require(URL(string: server.url)?.port)
        #expect(text(first).hasPrefix("GET /echo?q=1 host=127.0.0.1:\(port) length=- port="), "\(text(first))")
        let second = try await client.execute(.GET, url: server.url + "/echo", timeout: .seconds(5), bodyLimit: 1 << 20)
        #expect(text(first).split(separator: " ").last == text(second).split(separator: " ").last, "the same client port: one kept-alive connection")

        let posted = try await client.execute(.POST, url: server.url + "/echo", body: ByteBuffer(string: "hello"), timeout: .seconds(5), bodyLimit: 1 << 20)
        #expect(text(posted) == "POST hello length=5")
        let empty = try await client.execute(.POST, url: server.url + "/echo", timeout: .seconds(5), bodyLimit: 1 << 20)
        #expect(text(empty) == "POST  length=0")
        let head = try await client.execute(.HEAD, url: server.url + "/echo", timeout: .seconds(5), bodyLimit: 1 << 20)
        #expect(head.status == .ok && head.body.readableBytes == 0, "a HEAD answer has no body to wait for")
        server.stop()
    }

    @Test func redirectsAreReturnedNotFollowed() async throws {
        let server = try await TestServer()
        let response = try await RelayHTTPClient().execute(.GET, url: server.url + "/redirect", timeout: .seconds(5), bodyLimit: 1 << 20)
        #expect(response.status == .found)
        #expect(response.headers.first(name: "Location") == "/echo")
        #expect(server.hits == 1)
        server.stop()
    }

    @Test func anAnswerOverTheLimitFailsAndTheNextRequestStillWorks() async throws {
        let server = try await TestServer()
        let client = RelayHTTPClient()
        await #expect(throws: RelayHTTPClient.Failure.bodyTooLarge(limit: 1024)) {
            try await client.execute(.GET, url: server.url + "/large", timeout: .seconds(5), bodyLimit: 1024)
        }
        let fits = try await client.execute(.GET, url: server.url + "/large", timeout: .seconds(5), bodyLimit: 4096)
        #expect(fits.body.readableBytes == 4096)
        server.stop()
    }

    @Test func theDeadlineCoversTheWholeAnswer() async throws {
        let server = try await TestServer()
        let client = RelayHTTPClient()
        let started = ContinuousClock.now
        await #expect(throws: RelayHTTPClient.Failure.timedOut) {
            try await client.execute(.GET, url: server.url + "/slow", timeout: .milliseconds(300), bodyLimit: 1 << 20)
        }
        #expect(ContinuousClock.now - started < .seconds(15), "well before the server's 30 s")
        let after = try await client.execute(.GET, url: server.url + "/echo", timeout: .seconds(5), bodyLimit: 1 << 20)
        #expect(after.status == .ok, "a timed-out connection is closed, not reused")
        server.stop()
    }

    @Test func aConnectionTheServerClosesIsNotReused() async throws {
        let server = try await TestServer()
        let client = RelayHTTPClient()
        let closing = try await client.execute(.GET, url: server.url + "/close", timeout: .seconds(5), bodyLimit: 1 << 20)
        #expect(text(closing) == "bye")
        #expect(!closing.reusable)
        for _ in 0..<3 {
            let next = try await client.execute(.GET, url: server.url + "/echo", timeout: .seconds(5), bodyLimit: 1 << 20)
            #expect(next.status == .ok)
        }
        server.stop()
    }

    /// A server that answers every connection with `reply` as soon as it reads anything, then closes it.
    final class RawServer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let reply: String
        init(reply: String) { self.reply = reply }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply))).whenComplete { [context = NIOLoopBound(context, eventLoop: context.eventLoop)] _ in
                context.value.close(promise: nil)
            }
        }

        static func start(reply: String) async throws -> any Channel {
            try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RawServer(reply: reply)) } }
                .bind(host: "127.0.0.1", port: 0).get()
        }
    }

    /// Old-style answers: a body that ends when the server closes, and a connection closed with no answer.
    @Test func aBodyEndedByTheServerClosingIsWholeAndAnEmptyAnswerFails() async throws {
        let closing = try await RawServer.start(reply: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
        let port = try #require(closing.localAddress?.port)
        let client = RelayHTTPClient()
        let response = try await client.execute(.GET, url: "http://127.0.0.1:\(port)/", timeout: .seconds(10), bodyLimit: 1024)
        #expect(text(response) == "until the end")
        #expect(!response.reusable)
        let again = try await client.execute(.GET, url: "http://127.0.0.1:\(port)/", timeout: .seconds(10), bodyLimit: 1024)
        #expect(text(again) == "until the end", "a new connection for the next request")
        try await closing.close()

        let silent = try await RawServer.start(reply: "")
        let silentPort = try #require(silent.localAddress?.port)
        await #expect(throws: RelayHTTPClient.Failure.connectionClosed) {
            try await client.execute(.GET, url: "http://127.0.0.1:\(silentPort)/", timeout: .seconds(10), bodyLimit: 1024)
        }
        try await silent.close()
    }

    @Test func aRefusedConnectionFailsAtOnceAndAnUnusableURLIsNamed() async throws {
        let port = try PortProbe.freePort()
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) {
            try await RelayHTTPClient().execute(.GET, url: "http://127.0.0.1:\(port)/", timeout: .seconds(60), bodyLimit: 1024)
        }
        #expect(ContinuousClock.now - started < .seconds(30), "not retried until the 60 s deadline")
        await #expect(throws: RelayHTTPClient.Failure.invalidURL("the port must be a number from 1 to 65535")) {
            try await RelayHTTPClient().execute(.GET, url: "http://127.0.0.1:99999/", timeout: .seconds(1), bodyLimit: 1024)
        }
    }

    /// NIO refuses to send a header that is not a valid HTTP field: the request fails then, not at its deadline.
    @Test func aRequestThatCannotBeSentFailsAtOnce() async throws {
        let server = try await TestServer()
        let client = RelayHTTPClient()
        var headers = HTTPHeaders()
        headers.add(name: "bad name", value: "x")
        let started = ContinuousClock.now
        await #expect(throws: HTTPParserError.invalidHeaderToken) {
            try await client.execute(.GET, url: server.url + "/echo", headers: headers, timeout: .seconds(60), bodyLimit: 1024)
        }
        #expect(ContinuousClock.now - started < .seconds(30), "not left waiting for the 60 s deadline")
        #expect(server.hits == 0)
        let next = try await client.execute(.GET, url: server.url + "/echo", timeout: .seconds(5), bodyLimit: 1024)
        #expect(next.status == .ok)
        server.stop()
    }

    @Test func concurrentRequestsBeyondTheIdleLimitAllAnswer() async throws {
        let server = try await TestServer()
        let client = RelayHTTPClient(idleLimit: 2)
        let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await client.execute(.GET, url: server.url + "/echo?i=\(index)", timeout: .seconds(10), bodyLimit: 1 << 20).status.code
                }
            }
            return try await group.reduce(into: [UInt]()) { $0.append($1) }
        }
        #expect(statuses.count == 40 && statuses.allSatisfy { $0 == 200 })
        #expect(server.hits == 40)
        server.stop()
    }

    /// Over TLS, the check sees the server's certificate before anything is sent; what it throws fails
    /// the request, which never reaches the server.
    @Test func thePeerCheckSeesTheServersCertificateBeforeTheRequestIsSent() async throws {
        let fixture = try await ExchangeFixture()
        let asin = try #require(fixture.servers["ss-asin"])
        let arcep = try #require(fixture.servers["ss-arcep"])
        let server = try await TestServer(tls: asin.peerTLS.server)
        let client = RelayHTTPClient(tls: arcep.peerTLS.client)
        let seen = Mutex<[UInt8]?>(nil)
        let answered = try await client.execute(.GET, url: server.url + "/echo", timeout: .seconds(10), bodyLimit: 1 << 20) { certificate in
            seen.withLock { $0 = certificate }
        }
        #expect(answered.status == .ok)
        #expect(seen.withLock { $0 } == asin.keys.authentication.certificate.der)

        struct WrongServer: Error, Equatable {}
        await #expect(throws: WrongServer()) {
            try await client.execute(.GET, url: server.url + "/echo", timeout: .seconds(10), bodyLimit: 1 << 20) { _ in throw WrongServer() }
        }
        #expect(server.hits == 1, "the refused request was not sent")

        // A plain connection has no certificate to show.
        let plain = try await TestServer()
        try await RelayHTTPClient().execute(.GET, url: plain.url + "/echo", timeout: .seconds(5), bodyLimit: 1024) { certificate in
            #expect(certificate == nil)
        }
        plain.stop()
        server.stop()
        await fixture.stop()
    }
}
