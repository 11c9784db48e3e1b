import ArgumentParser

/// `sandbox bench …`: throughput and latency figures, measured in one run against a baseline.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the sandbox (build with -c release for meaningful figures).",
        subcommands: [PKIBenchCommand.self, XRoadBenchCommand.self, PNPEBenchCommand.self])
}
