import ArgumentParser
import Foundation
import Logging
import PKI
import SandboxCore
import SandboxCrypto

/// `sandbox up`: every block in one process, ready in about a second.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start every building block in one process (PKI, X-Road security servers, registries, PNPE, the Agrément FAI e-service, overview on port 4000).",
        discussion: "Generates the trust material on first run (as `sandbox init` does). Stop with Ctrl-C.")

    @OptionGroup var options: SandboxOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Address to bind (loopback by default; 0.0.0.0 to serve a classroom).")
    var bindHost: String = "127.0.0.1"

    func run() async throws {
        let started = ContinuousClock.now
        let logger = logging.bootstrap()
        var configuration = options.configuration
        configuration.bindHost = bindHost

        let bootstrap = try PKIBootstrap.ensure(configuration: configuration.pkiConfiguration(), force: false, now: Date())
        if bootstrap.generated {
            print("Generated the sandbox CA in \(configuration.certsDirectory.path)/ (first run).")
            fflush(nil)
        }
        let token = try AdminToken.loadOrCreate(dataDirectory: configuration.dataDirectory)
        let server = try SandboxServer(configuration: configuration, adminToken: token, trust: bootstrap.trust, logger: logger) { [configuration] _ in
            // Printed from the readiness callback, so it appears only once every port is really listening.
            let elapsed = ContinuousClock.now - started
            print(StartupBanner.render(configuration: configuration, trust: bootstrap.trust, token: token, elapsed: elapsed))
            fflush(nil)  // stdout is block-buffered when redirected; the banner must show at once.
        }
        try await server.run(logger: logger)
        print("Interop Sandbox stopped.")
    }
}

/// What `sandbox up` prints once everything listens.
enum StartupBanner {
    static func render(configuration: SandboxConfiguration, trust: TrustMaterial, token: AdminToken, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rows: [(String, String, String)] = [
            ("overview", configuration.publicURL(.overview), "aperçu et /health agrégé / overview and aggregate /health"),
            ("pki", configuration.publicURL(.pki), "CA, CRL, OCSP, TSA — /pki/v1"),
            ("pnpe", configuration.publicURL(.pnpe), "paiements (mobile money, XOF) — /v1, /checkout/…, /payer/… ; `sandbox pnpe scenarios`"),
            ("ss-arcep", configuration.publicURL(.securityServerARCEP), "serveur de sécurité ARCEP (client) — /r1/… ; entre serveurs :\(configuration.port(.securityServerARCEPServer))"),
            ("ss-asin", configuration.publicURL(.securityServerASIN), "serveur de sécurité ASIN (fournisseurs) — /r1/… ; entre serveurs :\(configuration.port(.securityServerASINServer))"),
            ("registres", configuration.publicURL(.registryRCCM), "RCCM :\(configuration.port(.registryRCCM)), IFU :\(configuration.port(.registryIFU)), RNPP :\(configuration.port(.registryRNPP)) — via X-Road (ss-asin)"),
            ("agrément", configuration.publicURL(.agrementFAI), "e-service Agrément FAI — demandeur /, agents /agents, messages /messages ; `sandbox demo`"),
        ]
        let table = rows.map { "  \($0.0.padding(toLength: 10, withPad: " ", startingAt: 0))\($0.1.padding(toLength: 26, withPad: " ", startingAt: 0))\($0.2)" }
        return """

            Interop Sandbox — prêt en \(String(format: "%.2f", seconds)) s / ready in \(String(format: "%.2f", seconds)) s

              block     URL                       
            \(table.joined(separator: "\n"))

              data:        \(configuration.dataDirectory.path)/
              trust:       \(configuration.certsDirectory.path)/chain.pem  (root: \(configuration.certsDirectory.path)/root-ca.pem)
              root SHA-256 \(trust.root.fingerprintSHA256Colons)
              admin token  \(token.value)
                           (Authorization: Bearer …; also in \(configuration.dataDirectory.path)/admin-token)

            Ctrl-C pour arrêter / to stop.
            """
    }
}
