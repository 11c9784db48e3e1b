import AgrementFAI
import Foundation
import Hummingbird
import Logging
import NIOCore
import PKI
import PNPE
import Registries
import SandboxCore
import ServiceLifecycle
import Synchronization
import UnixSignals
import XRoad

/// One running block: its name, where it listens, and the service that serves it.
struct RunningBlock: Sendable {
    let name: String
    let url: String
    /// Every port it listens on (a security server has two).
    let ports: [Int]
    let service: any Service
}

/// Builds every block that exists in one process. `sandbox up` runs them; tests and `sandbox bench` run
/// them in-process on free ports. Blocks are wired only through URLs from the configuration, so the same
/// code will run one block per process.
struct SandboxServer: Sendable {
    let configuration: SandboxConfiguration
    let adminToken: AdminToken
    let authority: CertificateAuthority
    let blocks: [RunningBlock]

    /// - Parameters:
    ///   - trust: the PKI's trust material when the caller already loaded it (``PKIBootstrap``).
    ///   - onAllRunning: called once, when every server is listening.
    init(
        configuration: SandboxConfiguration, adminToken: AdminToken, trust: TrustMaterial? = nil, logger: Logger,
        onAllRunning: @escaping @Sendable () async -> Void = {}
    ) throws {
        self.configuration = configuration
        self.adminToken = adminToken
        authority = try CertificateAuthority(
            configuration: configuration.pkiConfiguration(), preloadedTrust: trust, clock: VirtualClock(), logger: logger)

        let topology = try XRoadWiring.topology(configuration)
        let registries: Registries
        do {
            registries = try Registries(fixturesDirectory: configuration.fixturesDirectory)
        } catch {
            throw CLIError("registries: \(error.description)")
        }
        let platform = try PaymentPlatform(configuration: configuration.pnpeConfiguration(), logger: Self.logger(logger, block: "pnpe"))
        let agrement = try AgrementService(configuration: configuration.agrementConfiguration(adminToken: adminToken), logger: Self.logger(logger, block: "agrement-fai"))
        let readiness = Readiness(expected: 8 + 2 * topology.securityServers.count, action: onAllRunning)
        func application(_ name: String, _ port: DefaultPort, _ router: Router<SandboxRequestContext>, services: [any Service] = []) -> RunningBlock {
            var app = Application(
                router: router,
                configuration: .init(address: .hostname(configuration.bindHost, port: configuration.port(port)), serverName: "interop-sandbox/\(name)"),
                onServerRunning: { _ in await readiness.arrived() },
                logger: Self.logger(logger, block: name))
            app.addServices(services)
            return RunningBlock(name: name, url: configuration.baseURL(port), ports: [configuration.port(port)], service: app)
        }
        let pki = application("pki", .pki, PKIRouter.build(authority: authority, adminToken: adminToken, logger: logger))
        let central = application("central-server", .centralServer, try XRoadWiring.centralServer(topology: topology, configuration: configuration, adminToken: adminToken, logger: Self.logger(logger, block: "central-server")))
        let pnpe = application(
            "pnpe", .pnpe, PNPERouter.build(platform: platform, adminToken: adminToken, logger: Self.logger(logger, block: "pnpe")),
            services: [PNPEWorkerService(platform: platform)])
        let securityServers = try topology.securityServers.map { definition in
            try XRoadWiring.securityServer(
                definition.name, topology: topology, configuration: configuration, adminToken: adminToken,
                logger: Self.logger(logger, block: definition.name), onServerRunning: { await readiness.arrived() })
        }
        // The administrations' own systems, behind ss-asin.
        let backends = [
            application("rccm", .registryRCCM, RegistryRouters.rccm(registries, logger: Self.logger(logger, block: "rccm"))),
            application("ifu", .registryIFU, RegistryRouters.ifu(registries, logger: Self.logger(logger, block: "ifu"))),
            application("rnpp", .registryRNPP, RegistryRouters.rnpp(registries, logger: Self.logger(logger, block: "rnpp"))),
        ]
        // The sample e-service, a client of the blocks above (over HTTP only).
        let eService = application(
            "agrement-fai", .agrementFAI, AgrementRouter.build(service: agrement, logger: Self.logger(logger, block: "agrement-fai")),
            services: [PaymentPoller(service: agrement)])
        let overview = application(
            "overview", .overview,
            OverviewRouter.build(blocks: ([pki, pnpe, central] + securityServers + backends + [eService]).map { OverviewRouter.Block(name: $0.name, url: $0.url) }, logger: logger))
        blocks = [overview, pki, pnpe, central] + securityServers + backends + [eService]
    }

    private static func logger(_ logger: Logger, block: String) -> Logger {
        var blockLogger = logger
        blockLogger[metadataKey: "block"] = "\(block)"
        return blockLogger
    }

    /// Runs until SIGINT/SIGTERM (or until the task is cancelled), then shuts every server down gracefully.
    func run(logger: Logger) async throws {
        for block in blocks {
            for port in block.ports where !PortProbe.isFree(host: configuration.bindHost, port: port) {
                throw CLIError(
                    "port \(port) (\(block.name)) is already in use: is another sandbox running? Stop it, or start this one with another --port-offset (e.g. 100)")
            }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: blocks.map { .init(service: $0.service) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Counts servers as they come up and fires once when all have.
final class Readiness: Sendable {
    private let remaining: Mutex<Int>
    private let action: @Sendable () async -> Void

    init(expected: Int, action: @escaping @Sendable () async -> Void) {
        remaining = Mutex(expected)
        self.action = action
    }

    func arrived() async {
        let last = remaining.withLock { count -> Bool in
            count -= 1
            return count == 0
        }
        if last { await action() }
    }
}

