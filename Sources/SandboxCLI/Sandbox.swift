import ArgumentParser

/// `sandbox`: Benin's e-government building blocks on one laptop, offline.
@main
struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Interop Sandbox: the PKI, X-Road exchange, PNPE and registries of Benin's e-government, offline.",
        discussion: "Start everything with `sandbox up`; the other commands talk to a running sandbox over HTTP.",
        subcommands: [UpCommand.self, InitCommand.self, PKICommand.self, XRoadCommand.self, PNPECommand.self, BenchCommand.self])

}
