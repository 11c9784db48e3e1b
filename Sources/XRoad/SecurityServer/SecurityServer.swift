import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SandboxCore

/// One emulated security server: its place in the topology, its keys, and how to reach its peers. The
/// same value serves the client side (information systems → this server, port 8080/8081) and the server
/// side (other security servers → this server, port 5500/5501).
public struct SecurityServer: Sendable {
    public let name: String
    public let topology: Topology
    public let keys: SecurityServerKeys
    /// Base URL of each security server's server side, by name (`ss-asin` → `http://127.0.0.1:5501`).
    public let peers: [String: String]
    public let errorStyle: XRoadErrorStyle
    public let clock: any SandboxClock
    public let logger: Logger

    public init(
        name: String, topology: Topology, keys: SecurityServerKeys, peers: [String: String], errorStyle: XRoadErrorStyle = .legacy,
        clock: any SandboxClock = SystemClock(), logger: Logger
    ) {
        self.name = name
        self.topology = topology
        self.keys = keys
        self.peers = peers
        self.errorStyle = errorStyle
        self.clock = clock
        self.logger = logger
    }

    public var definition: Topology.SecurityServer {
        // Checked by the factory that built this value.
        topology.securityServer(named: name)!
    }

    /// Requests to backends and to peers: redirects are returned to the caller, never followed (PR-REST §4.4);
    /// a refused connection fails at once, as X-Road's `NetworkError` does, instead of being retried until
    /// the service timeout.
    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Largest REST body a security server relays.
    public static let maximumBodySize = 16 * 1024 * 1024
}
