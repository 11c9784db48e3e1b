import Foundation
import Hummingbird
import Logging
import SandboxCore
import XRoad

/// How the X-Road block is wired from the sandbox configuration: the topology file with the registries'
/// addresses filled in, and each security server's ports, key folder and peers. Only URLs cross between
/// blocks, so `sandbox serve security-server NAME` can use the same wiring alone.
enum XRoadWiring {
    /// Ports of the security servers the committed topology names.
    static let ports: [String: (client: DefaultPort, server: DefaultPort)] = [
        "ss-arcep": (.securityServerARCEP, .securityServerARCEPServer),
        "ss-asin": (.securityServerASIN, .securityServerASINServer),
    ]

    static func topologyURL(_ configuration: SandboxConfiguration) -> URL {
        configuration.fixturesDirectory.appendingPathComponent("topology.yaml")
    }

    static func topology(_ configuration: SandboxConfiguration) throws -> Topology {
        let url = topologyURL(configuration)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CLIError("no topology at \(url.path): run the sandbox from the repository's root, or give --fixtures-dir")
        }
        do {
            return try TopologyLoader.load(
                contentsOf: url,
                variables: [
                    "registry.rccm": configuration.baseURL(.registryRCCM), "registry.ifu": configuration.baseURL(.registryIFU),
                    "registry.rnpp": configuration.baseURL(.registryRNPP),
                ])
        } catch {
            throw CLIError("\(url.path): \(error.description)")
        }
    }

    /// The central server, its registrations in `<data>/central-server.sqlite`.
    static func centralServer(topology: Topology, configuration: SandboxConfiguration, adminToken: AdminToken, logger: Logger) throws -> Router<SandboxRequestContext> {
        try SandboxFiles.ensureDirectory(configuration.dataDirectory)
        let central = try CentralServer(url: configuration.databaseURL(block: "central-server"), topology: topology)
        return CentralServerRouter.build(central, adminToken: adminToken.value, logger: logger)
    }

    static func securityServer(
        _ name: String, topology: Topology, configuration: SandboxConfiguration, adminToken: AdminToken, logger: Logger,
        onServerRunning: @escaping @Sendable () async -> Void
    ) throws -> RunningBlock {
        guard let ports = ports[name] else {
            throw CLIError("the topology names a security server \(name), but the sandbox has ports only for \(Self.ports.keys.sorted().joined(separator: ", "))")
        }
        var peers: [String: String] = [:]
        // The server sides speak mutual TLS with the servers' xroad-auth certificates.
        for (peer, peerPorts) in Self.ports { peers[peer] = configuration.baseURL(peerPorts.server) }
        let service = try SecurityServerService(
            name: name, topology: topology, directory: configuration.dataDirectory.appendingPathComponent("xroad/\(name)"),
            enrolment: PKIEnrolment(baseURL: configuration.baseURL(.pki), adminToken: adminToken.value), peers: peers,
            centralServerURL: configuration.baseURL(.centralServer),
            clientSide: .init(host: configuration.bindHost, port: configuration.port(ports.client)),
            serverSide: .init(host: configuration.bindHost, port: configuration.port(ports.server)),
            logger: logger, onServerRunning: onServerRunning)
        return RunningBlock(
            name: name, url: configuration.publicURL(ports.client), ports: [configuration.port(ports.client), configuration.port(ports.server)],
            service: service)
    }
}
