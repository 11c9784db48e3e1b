import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SandboxCore
import SandboxCrypto

/// One emulated security server: its place in the topology, its keys, and how to reach its peers. The
/// same object serves the client side (information systems → this server, port 8080/8081) and the server
/// side (other security servers → this server, port 5500/5501). A class, immutable: the proxies, their
/// closures and every log call hold it, and as a struct each of them copied (and retained) its twenty fields.
public final class SecurityServer: Sendable {
    public let name: String
    /// The global configuration with this server's own settings, changed by the admin API.
    public let configuration: SecurityServerConfiguration
    public var topology: Topology { configuration.current }
    public let keys: SecurityServerKeys
    /// Base URL of each security server's server side, by name (`ss-asin` → `https://127.0.0.1:5501`).
    public let peers: [String: String]
    public let errorStyle: XRoadErrorStyle
    public let clock: any SandboxClock
    public let logger: Logger
    public let messageLog: MessageLog
    public let timestamper: MessageLogTimestamper
    /// Signers whose certificate path was checked in the last minutes.
    let trustedSigners = TrustedSigners()
    let peerCertificates = PeerCertificates()
    /// The signers' OCSP status, from the PKI.
    let signerStatus: SignerStatus
    /// Mutual TLS with the other security servers.
    public let peerTLS: PeerTLS
    /// Connections to the other security servers, with ``peerTLS``'s client identity.
    let peerClient: RelayHTTPClient
    let intermediates: [Certificate]
    /// The central server the global configuration comes from; nil keeps the topology's registrations.
    public let central: CentralServerClient?

    /// - Parameters:
    ///   - messageLog: this server's own log (its SQLite file).
    ///   - tsaURL: the PKI's RFC 3161 endpoint, for the log's timestamps.
    public init(
        name: String, configuration: SecurityServerConfiguration, keys: SecurityServerKeys, peers: [String: String], messageLog: MessageLog, tsaURL: String,
        central: CentralServerClient? = nil, errorStyle: XRoadErrorStyle = .legacy, clock: any SandboxClock = SystemClock(), logger: Logger
    ) throws {
        self.central = central
        self.name = name
        self.configuration = configuration
        self.keys = keys
        self.intermediates = keys.intermediates
        self.peerTLS = try PeerTLS(keys: keys)
        self.peerClient = RelayHTTPClient(tls: peerTLS.client)
        self.peers = peers
        self.messageLog = messageLog
        self.timestamper = MessageLogTimestamper(log: messageLog, tsaURL: tsaURL)
        self.signerStatus = SignerStatus(ocspURL: tsaURL.replacingOccurrences(of: "/pki/v1/tsa", with: "/pki/v1/ocsp"))
        self.errorStyle = errorStyle
        self.clock = clock
        self.logger = logger
    }

    /// Downloads the global configuration when the last download is older than `interval`, and applies it.
    public func refreshGlobalConfiguration(ifOlderThan interval: Duration = CentralServerClient.missInterval) async {
        guard let central, let document = await central.download(ifOlderThan: interval) else { return }
        do {
            try configuration.apply(document)
        } catch {
            logger.warning("cannot apply the global configuration", metadata: ["error": "\(error)"])
        }
    }

    /// The servers hosting `client`; on a miss, asks the central server first (it may have just been registered).
    func hosts(of client: XRoadClientID) async -> [Topology.SecurityServer] {
        let hosts = topology.securityServers(hosting: client)
        guard hosts.isEmpty, central != nil else { return hosts }
        await refreshGlobalConfiguration()
        return topology.securityServers(hosting: client)
    }

    /// Whether `client` is a member or subsystem of the instance, asking the central server on a miss.
    func knows(_ client: XRoadClientID) async -> Bool {
        if topology.knows(client) || central == nil { return topology.knows(client) }
        await refreshGlobalConfiguration()
        return topology.knows(client)
    }

    /// Verifies a message from a peer server against the sandbox root.
    func open(_ message: MultipartMessage) throws(EnvelopeError) -> SignedEnvelope.Opened {
        try SignedEnvelope.open(message, trustAnchor: keys.trustAnchor, intermediates: intermediates, at: clock.now(), trustedSigners: trustedSigners)
    }

    /// A response from a provider's server, verified: a message that does not open is `InconsistentResponse`.
    func openResponse(_ message: MultipartMessage) throws(XRoadFault) -> SignedEnvelope.Opened {
        do {
            return try open(message)
        } catch {
            throw XRoadFault(.clientProxy("InconsistentResponse"), "Invalid response signature: \(error.description)", explain: .inconsistent(error.description))
        }
    }

    /// POSTs DER to one of the PKI's protocol endpoints (OCSP, TSA) and returns the answer's bytes.
    static func postDER(_ der: [UInt8], to url: String, contentType: String, timeout: Int64) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(bytes: der))
        let response = try await httpClient.execute(request, timeout: .seconds(timeout))
        return Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
    }

    /// The signer of a verified message must have a good OCSP status.
    func requireGoodSigner(_ opened: SignedEnvelope.Opened, side: (String) -> XRoadErrorCode) async throws(XRoadFault) {
        try await signerStatus.requireGood(opened.signer, issuers: intermediates, trustAnchor: keys.trustAnchor, now: clock.now(), side: side)
    }

    /// Opens `<directory>/conf.sqlite`, seeded from `topology` at the first start.
    public static func openConfiguration(directory: URL, topology: Topology, name: String) throws -> SecurityServerConfiguration {
        try SandboxFiles.ensureDirectory(directory)
        return try SecurityServerConfiguration(url: directory.appendingPathComponent("conf.sqlite"), topology: topology, serverName: name)
    }

    /// Opens `<directory>/messagelog.sqlite` with the server's metadata-only settings.
    public static func openMessageLog(directory: URL, server: Topology.SecurityServer, clock: any SandboxClock = SystemClock()) throws -> MessageLog {
        try SandboxFiles.ensureDirectory(directory)
        return try MessageLog(url: directory.appendingPathComponent("messagelog.sqlite"), clock: clock, metadataOnly: Set(server.messageLog.metadataOnly))
    }

    /// Writes a record; in immediate mode, also time-stamps it before the exchange goes on.
    /// - Throws: `LoggingFailed` / `TimestampingFailed` on the side that logs: an exchange that cannot be
    ///   logged does not happen, as in X-Road.
    func log(_ entry: MessageLog.Entry, side: (String) -> XRoadErrorCode) async throws(XRoadFault) {
        do {
            try await messageLog.append(entry)
        } catch {
            throw XRoadFault(side("LoggingFailed"), "Failed to write the message log: \(error)", explain: .loggingFailed("\(error)"))
        }
        guard definition.messageLog.timestampInterval == 0 else { return }
        do {
            try await timestamper.stampPending()
        } catch {
            throw XRoadFault(side("TimestampingFailed"), "Failed to time-stamp the message log: \(error)", explain: .loggingFailed("\(error)"))
        }
    }

    public var definition: Topology.SecurityServer {
        // Checked by the factory that built this value.
        topology.securityServer(named: name)!
    }

    /// The requests outside exchanges: service descriptions, metaservices' OpenAPI and WSDL documents, the
    /// PKI's OCSP and TSA, the central server. Redirects are returned to the caller, never followed (PR-REST
    /// §4.4); a refused connection fails at once, as X-Road's `NetworkError` does, instead of being retried
    /// until the timeout.
    static let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpClientConfiguration)

    /// Requests to the providers' backends (REST and SOAP services), on every exchange; as with
    /// ``httpClient``, redirects are returned, not followed.
    static let backendClient = RelayHTTPClient()

    /// The settings of ``httpClient``. No request spans: the
    /// sandbox installs no tracer, and AsyncHTTPClient would still open one per request on the no-op
    /// tracer, parsing the URL again for its attributes (about 3 % of an exchange).
    static var httpClientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.timeout.connect = .seconds(10)
        return configuration
    }

    /// Largest REST body a security server relays.
    public static let maximumBodySize = 16 * 1024 * 1024
}
