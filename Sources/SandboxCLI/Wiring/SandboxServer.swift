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

/// The blocks one process runs: all of them (`sandbox up`), or one (`sandbox serve`).
enum BlockSelection: Sendable, Equatable {
    case all
    case pki
    case pnpe
    case centralServer
    case securityServer(String)
    /// The three registry backends (RCCM, IFU, RNPP), which sit together behind `ss-asin`.
    case registries
    /// The sample e-service, a client of the others.
    case agrementFAI
    case overview

    func includes(_ other: BlockSelection) -> Bool { self == .all || self == other }
}

/// Builds the blocks of one process. `sandbox up` runs them all; `sandbox serve` one; tests and
/// `sandbox bench` run them in-process on free ports. Blocks are wired only through URLs from the
/// configuration, so the same code runs all in one process or one block per process.
struct SandboxServer: Sendable {
    let configuration: SandboxConfiguration
    let adminToken: AdminToken
    /// The PKI, when this process runs it.
    let authority: CertificateAuthority?
    let blocks: [RunningBlock]

    /// - Parameters:
    ///   - trust: the PKI's trust material when the caller already loaded it (``PKIBootstrap``).
    ///   - onAllRunning: called once, with the blocks, when every server of the process is listening.
    init(
        configuration: SandboxConfiguration, adminToken: AdminToken, trust: TrustMaterial? = nil, selection: BlockSelection = .all,
        logger: Logger, onAllRunning: @escaping @Sendable ([RunningBlock]) async -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        self.adminToken = adminToken
        let readiness = Readiness()
        func application(_ name: String, _ port: DefaultPort, _ router: Router<SandboxRequestContext>, services: [any Service] = []) -> RunningBlock {
            var app = Application(
                router: router,
                configuration: .init(address: .hostname(configuration.bindHost, port: configuration.port(port)), serverName: "interop-sandbox/\(name)"),
                onServerRunning: { _ in await readiness.arrived() },
                logger: Self.logger(logger, block: name))
            app.addServices(services)
            return RunningBlock(name: name, url: configuration.publicURL(port), ports: [configuration.port(port)], service: app)
        }

        let topology = try XRoadWiring.topology(configuration)
        var blocks: [RunningBlock] = []
        if selection.includes(.overview) {
            blocks.append(application("overview", .overview, OverviewRouter.build(blocks: Self.overviewBlocks(configuration, topology: topology), logger: logger)))
        }
        if selection.includes(.pki) {
            let authority = try CertificateAuthority(
                configuration: configuration.pkiConfiguration(), preloadedTrust: trust, clock: VirtualClock(), logger: logger)
            self.authority = authority
            blocks.append(application("pki", .pki, PKIRouter.build(authority: authority, adminToken: adminToken, logger: logger)))
        } else {
            authority = nil
        }
        if selection.includes(.pnpe) {
            let platform = try PaymentPlatform(configuration: configuration.pnpeConfiguration(), logger: Self.logger(logger, block: "pnpe"))
            blocks.append(application(
                "pnpe", .pnpe, PNPERouter.build(platform: platform, adminToken: adminToken, logger: Self.logger(logger, block: "pnpe")),
                services: [PNPEWorkerService(platform: platform)]))
        }
        if selection.includes(.centralServer) {
            blocks.append(application(
                "central-server", .centralServer,
                try XRoadWiring.centralServer(topology: topology, configuration: configuration, adminToken: adminToken, logger: Self.logger(logger, block: "central-server"))))
        }
        for definition in topology.securityServers {
            guard selection == .all || selection == .securityServer(definition.name) else { continue }
            blocks.append(try XRoadWiring.securityServer(
                definition.name, topology: topology, configuration: configuration, adminToken: adminToken,
                logger: Self.logger(logger, block: definition.name), onServerRunning: { await readiness.arrived() }))
        }
        if case .securityServer(let name) = selection, !topology.securityServers.contains(where: { $0.name == name }) {
            throw CLIError("the topology has no security server \(name); it has \(topology.securityServers.map(\.name).joined(separator: ", "))")
        }
        if selection.includes(.registries) {
            // The administrations' own systems, behind ss-asin.
            let registries: Registries
            do {
                registries = try Registries(fixturesDirectory: configuration.fixturesDirectory)
            } catch {
                throw CLIError("registries: \(error.description)")
            }
            blocks += [
                application("rccm", .registryRCCM, RegistryRouters.rccm(registries, logger: Self.logger(logger, block: "rccm"))),
                application("ifu", .registryIFU, RegistryRouters.ifu(registries, logger: Self.logger(logger, block: "ifu"))),
                application("rnpp", .registryRNPP, RegistryRouters.rnpp(registries, logger: Self.logger(logger, block: "rnpp"))),
            ]
        }
        if selection.includes(.agrementFAI) {
            // The sample e-service, a client of the blocks above (over HTTP only).
            let agrement = try AgrementService(
                configuration: configuration.agrementConfiguration(adminToken: adminToken), logger: Self.logger(logger, block: "agrement-fai"))
            blocks.append(application(
                "agrement-fai", .agrementFAI, AgrementRouter.build(service: agrement, logger: Self.logger(logger, block: "agrement-fai")),
                services: [PaymentPoller(service: agrement)]))
        }
        readiness.expect(blocks.reduce(0) { $0 + $1.ports.count }) { [blocks] in await onAllRunning(blocks) }
        self.blocks = blocks
    }

    /// What the overview lists and checks: every block of the sandbox, wherever it runs.
    static func overviewBlocks(_ configuration: SandboxConfiguration, topology: Topology) -> [OverviewRouter.Block] {
        var ports: [(String, DefaultPort)] = [("pki", .pki), ("pnpe", .pnpe), ("central-server", .centralServer)]
        for definition in topology.securityServers {
            if let port = XRoadWiring.ports[definition.name]?.client { ports.append((definition.name, port)) }
        }
        ports += [("rccm", .registryRCCM), ("ifu", .registryIFU), ("rnpp", .registryRNPP), ("agrement-fai", .agrementFAI)]
        return ports.map { OverviewRouter.Block(name: $0.0, url: configuration.publicURL($0.1), healthURL: configuration.baseURL($0.1)) }
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
    private let state = Mutex<(remaining: Int, action: @Sendable () async -> Void)>((0, {}))

    /// Sets how many servers to wait for and what to do then, once the blocks are built and before any
    /// of them runs.
    func expect(_ count: Int, then action: @escaping @Sendable () async -> Void) { state.withLock { $0 = (count, action) } }

    func arrived() async {
        let action = state.withLock { state -> (@Sendable () async -> Void)? in
            state.remaining -= 1
            return state.remaining == 0 ? state.action : nil
        }
        await action?()
    }
}

