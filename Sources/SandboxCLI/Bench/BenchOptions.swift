import ArgumentParser
import Foundation
import Logging
import SandboxCore

/// What every `sandbox bench` command takes: how long and how often to measure, and how many clients.
struct BenchOptions: ParsableArguments {
    @Option(help: "Seconds per measurement.")
    var seconds: Double = 4

    @Option(help: "Runs per figure (the median is reported).")
    var runs: Int = 3

    @Option(help: "Concurrent HTTP clients (default: 32 for pki, 16 for xroad).")
    var concurrency: Int?

    func validate() throws {
        guard seconds > 0, seconds <= 60, (1...15).contains(runs), (1...256).contains(concurrency ?? 1) else {
            throw ValidationError("--seconds 0–60, --runs 1–15, --concurrency 1–256")
        }
    }

    /// Figures from a debug build mislead; say so before measuring.
    static func warnIfDebugBuild(_ command: String) {
        #if DEBUG
        print("warning: this is a debug build; figures will be far below a release build (swift run -c release sandbox bench \(command))\n")
        #endif
    }

    /// A logger that stays quiet: stopping the in-process servers at the end cancels them, which Hummingbird
    /// logs as errors. The servers log through the handler `sandbox up` installs, so that they are measured
    /// as they run there.
    static var quietLogger: Logger {
        _ = installLogging
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        return logger
    }

    private static let installLogging: Void = LoggingSystem.bootstrap { label in SandboxLogHandler(label: label, level: .critical) }

    /// One aligned line of a report (String(format:) does not pad `%@` on Linux).
    static func line(_ label: String, _ value: String, _ note: String, labelWidth: Int) -> String {
        "  " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 12 - value.count)) + value + "   (" + note + ")"
    }
}
