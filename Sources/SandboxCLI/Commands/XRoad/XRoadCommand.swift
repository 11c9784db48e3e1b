import ArgumentParser
import Foundation
import SandboxCore

/// `sandbox xroad …`: the exchange from an information system's seat.
struct XRoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xroad",
        abstract: "Call services through a security server, read its message log, verify ASiC containers.",
        subcommands: [XRoadCallCommand.self, XRoadLogCommand.self, VerifyAsicCommand.self])
}

/// Which security server a command talks to.
struct SecurityServerOptions: ParsableArguments {
    @OptionGroup var sandbox: SandboxOptions

    @Option(help: "The security server: ss-arcep (the e-service's, default) or ss-asin.")
    var server: String = "ss-arcep"

    @Option(help: "Base URL of its client side (default: from --server and the port offset).")
    var serverURL: String?

    func baseURL() throws -> String {
        if let serverURL { return serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL }
        guard let ports = XRoadWiring.ports[server] else {
            throw ValidationError("unknown security server \(server): use \(XRoadWiring.ports.keys.sorted().joined(separator: " or "))")
        }
        return sandbox.configuration.baseURL(ports.client)
    }
}
