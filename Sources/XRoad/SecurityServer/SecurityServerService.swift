import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import SandboxCore
import ServiceLifecycle

/// A security server as a long-running service: it waits for the PKI, loads or enrols its keys over HTTP,
/// then listens on its client side and its server side until shut down. Everything it needs arrives as
/// URLs and addresses, so the same service runs inside `sandbox up` or alone in a container.
public struct SecurityServerService: Service {
    public struct Address: Sendable {
        public let host: String
        public let port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    let name: String
    let topology: Topology
    /// Holds `keys/` and `messagelog.sqlite`.
    let directory: URL
    let enrolment: PKIEnrolment
    let peers: [String: String]
    /// The central server's base URL; nil keeps the topology's registrations (tests of one server).
    let centralServerURL: String?
    let clientSide: Address
    let serverSide: Address
    let errorStyle: XRoadErrorStyle
    let logger: Logger
    let onServerRunning: @Sendable () async -> Void

    public init(
        name: String, topology: Topology, directory: URL, enrolment: PKIEnrolment, peers: [String: String], centralServerURL: String? = nil, clientSide: Address,
        serverSide: Address, errorStyle: XRoadErrorStyle = .legacy, logger: Logger, onServerRunning: @escaping @Sendable () async -> Void = {}
    ) throws {
        guard topology.securityServer(named: name) != nil else {
            throw EnrolmentError("the topology has no security server named \(name) (it has \(topology.securityServers.map(\.name).joined(separator: ", ")))")
        }
        self.name = name
        self.topology = topology
        self.directory = directory
        self.enrolment = enrolment
        self.peers = peers
        self.centralServerURL = centralServerURL
        self.clientSide = clientSide
        self.serverSide = serverSide
        self.errorStyle = errorStyle
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    public func run() async throws {
        let configuration = try SecurityServer.openConfiguration(directory: directory, topology: topology, name: name)
        let keys = try await enrolWhenThePKIAnswers(clients: configuration.clients.map(\.id))
        let definition = topology.securityServer(named: name)!
        let server = try SecurityServer(
            name: name, configuration: configuration, keys: keys, peers: peers,
            messageLog: try SecurityServer.openMessageLog(directory: directory, server: definition),
            tsaURL: enrolment.baseURL + "/pki/v1/tsa",
            central: centralServerURL.map { CentralServerClient(baseURL: $0, adminToken: enrolment.adminToken) }, errorStyle: errorStyle, logger: logger)
        let applications = [
            Application(
                router: SecurityServerRouters.clientSide(server, adminToken: enrolment.adminToken, logger: logger),
                configuration: .init(address: .hostname(clientSide.host, port: clientSide.port), serverName: "interop-sandbox/\(name)"),
                onServerRunning: { _ in await onServerRunning() }, logger: logger),
            Application(
                router: SecurityServerRouters.serverSide(server, logger: logger),
                server: try .tls(.http1(), tlsConfiguration: server.peerTLS.server),
                configuration: .init(address: .hostname(serverSide.host, port: serverSide.port), serverName: "interop-sandbox/\(name)"),
                onServerRunning: { _ in await onServerRunning() }, logger: logger),
        ]
        // Child tasks inherit the graceful-shutdown signal of the service group running this service.
        try await withThrowingDiscardingTaskGroup { group in
            for application in applications { group.addTask { try await application.runService() } }
            if server.central != nil { group.addTask { await Self.followGlobalConfiguration(server) } }
            if definition.messageLog.timestampInterval > 0 {
                group.addTask { await Self.stampPeriodically(server, every: definition.messageLog.timestampInterval) }
            }
        }
    }

    /// X-Road's asynchronous time-stamping: one batch per interval, until shutdown (and a last one then).
    private static func stampPeriodically(_ server: SecurityServer, every seconds: Int) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Woken by shutdown too, so that stopping the sandbox never waits out an interval.
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
            do {
                try await server.timestamper.stampPending()
            } catch {
                server.logger.warning("message log time-stamping failed; will retry", metadata: ["error": "\(error)"])
            }
            await server.messageLog.checkpoint()
        }
    }

    /// Downloads the global configuration at start and then every minute, as real servers do.
    private static func followGlobalConfiguration(_ server: SecurityServer) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await server.refreshGlobalConfiguration(ifOlderThan: .zero)
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: CentralServerClient.backgroundInterval) }
        }
    }

    /// The PKI may start in the same instant (one process) or a moment later (one container per block).
    private func enrolWhenThePKIAnswers(clients: [XRoadClientID]) async throws -> SecurityServerKeys {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                return try await SecurityServerKeys.loadOrEnrol(
                    directory: directory.appendingPathComponent("keys"), server: topology.securityServer(named: name)!, topology: topology, pki: enrolment, clients: clients)
            } catch let error as EnrolmentError where ContinuousClock.now < deadline && error.description.hasPrefix("cannot reach") {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
