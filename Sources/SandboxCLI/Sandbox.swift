import ArgumentParser

/// `sandbox`: Benin's e-government building blocks on one laptop, offline. Started by `main.swift`.
struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Interop Sandbox: the PKI, X-Road exchange, PNPE and registries of Benin's e-government, offline.",
        discussion: "Start everything with `sandbox up`; the other commands talk to a running sandbox over HTTP.",
        subcommands: [
            UpCommand.self, ServeCommand.self, InitCommand.self, HealthCommand.self, PKICommand.self, XRoadCommand.self, PNPECommand.self, DemoCommand.self,
            BenchCommand.self,
        ])

    /// What `AsyncParsableCommand.main()` does. Top-level code in `main.swift` cannot call `main()` itself:
    /// there the synchronous overload wins, which only prints the help of async commands.
    static func launch() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
