import ArgumentParser
import Foundation
import Logging
import PKI
import SandboxCore

/// `sandbox serve <block>`: one building block alone in this process, as in one container a block. It
/// finds the other blocks through the configuration (`SANDBOX_URL_<BLOCK>` variables, see
/// `docs/deployment.md`), never by assuming they share its host.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run one building block alone: pki, pnpe, central-server, security-server <name>, registries, agrement-fai or overview.",
        discussion: """
            The other blocks are reached at the URLs of SANDBOX_URL_<BLOCK> (e.g. SANDBOX_URL_PKI=http://pki:8090), else at \
            --public-host and their default ports. Every process of one sandbox needs the same SANDBOX_ADMIN_TOKEN. \
            The PKI needs the trust material of `sandbox init` in --certs-dir (it writes it if missing).
            """)

    @Argument(help: "pki, pnpe, central-server, security-server, registries, agrement-fai or overview.")
    var block: String

    @Argument(help: "With security-server: its name in the topology (ss-arcep, ss-asin).")
    var name: String?

    @OptionGroup var options: SandboxOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Address to bind (loopback by default; 0.0.0.0 in a container).")
    var bindHost: String = "127.0.0.1"

    static let blocks = ["pki", "pnpe", "central-server", "security-server", "registries", "agrement-fai", "overview"]

    var selection: BlockSelection? {
        switch block {
        case "pki": .pki
        case "pnpe": .pnpe
        case "central-server": .centralServer
        case "security-server": name.map { .securityServer($0) }
        case "registries": .registries
        case "agrement-fai": .agrementFAI
        case "overview": .overview
        default: nil
        }
    }

    func validate() throws {
        guard Self.blocks.contains(block) else {
            throw ValidationError("unknown block \(block.prefix(40)): choose one of \(Self.blocks.joined(separator: ", "))")
        }
        if block == "security-server" {
            guard let name, !name.isEmpty else { throw ValidationError("security-server needs the server's name, e.g. sandbox serve security-server ss-arcep") }
        } else if let name {
            throw ValidationError("\(block) takes no name (got \(name.prefix(40))); only security-server does")
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let logger = logging.bootstrap()
        guard let selection else { throw ValidationError("unknown block \(block)") }
        var configuration = options.configuration
        configuration.bindHost = bindHost
        var trust: TrustMaterial?
        if selection == .pki {
            trust = try PKIBootstrap.ensure(configuration: configuration.pkiConfiguration(), force: false, now: Date()).trust
        }
        let token = try AdminToken.loadOrCreate(dataDirectory: configuration.dataDirectory)
        let label = [block, name].compactMap { $0 }.joined(separator: " ")
        let server = try SandboxServer(configuration: configuration, adminToken: token, trust: trust, selection: selection, logger: logger) { blocks in
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let listening = blocks.map { "\($0.name) \($0.url) (port \($0.ports.map(String.init).joined(separator: ", ")))" }
            print("Interop Sandbox — \(label) prêt en / ready in \(String(format: "%.2f", seconds)) s: \(listening.joined(separator: "; "))")
            fflush(nil)
        }
        try await server.run(logger: logger)
        print("Interop Sandbox — \(label) stopped.")
    }
}
