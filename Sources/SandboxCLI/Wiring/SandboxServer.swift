import Foundation
import Hummingbird
import Logging
import NIOCore
import PKI
import SandboxCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// One running block: its name, where it listens, and the application that serves it.
struct RunningBlock: Sendable {
    let name: String
    let url: String
    let port: Int
    let application: Application<RouterResponder<SandboxRequestContext>>
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

        let readiness = Readiness(expected: 2, action: onAllRunning)
        func application(_ name: String, _ port: DefaultPort, _ router: Router<SandboxRequestContext>) -> RunningBlock {
            var blockLogger = logger
            blockLogger[metadataKey: "block"] = "\(name)"
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(configuration.bindHost, port: configuration.port(port)), serverName: "interop-sandbox/\(name)"),
                onServerRunning: { _ in await readiness.arrived() },
                logger: blockLogger)
            return RunningBlock(name: name, url: configuration.baseURL(port), port: configuration.port(port), application: app)
        }
        let pki = application("pki", .pki, PKIRouter.build(authority: authority, adminToken: adminToken, logger: logger))
        let overview = application(
            "overview", .overview,
            OverviewRouter.build(blocks: [OverviewRouter.Block(name: "pki", url: pki.url)], logger: logger))
        blocks = [overview, pki]
    }

    /// Runs until SIGINT/SIGTERM (or until the task is cancelled), then shuts every server down gracefully.
    func run(logger: Logger) async throws {
        for block in blocks {
            let port = block.port
            guard PortProbe.isFree(host: configuration.bindHost, port: port) else {
                throw CLIError(
                    "port \(port) (\(block.name)) is already in use: is another sandbox running? Stop it, or start this one with another --port-offset (e.g. 100)")
            }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: blocks.map { .init(service: $0.application) },
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

