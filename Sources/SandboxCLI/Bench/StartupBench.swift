import AsyncHTTPClient
import Foundation
import SandboxCore
import NIOHTTP1

/// Time from launching `sandbox up` to a healthy overview, and its resident memory once idle, measured on
/// real child processes of this very binary.
enum StartupBench {
    struct Figures {
        let firstRun: Double
        let existing: Double
        let idleResidentMiB: Double
    }

    static func measure(runs: Int) async throws -> Figures {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var firstRuns: [Double] = []
        var existing: [Double] = []
        var memory: [Double] = []
        for _ in 0..<runs {
            let workspace = try BenchWorkspace()
            defer { workspace.remove() }
            let offset = try PortProbe.freeOffset()
            let arguments = [
                "up", "--data-dir", workspace.root.appendingPathComponent("data").path,
                "--certs-dir", workspace.root.appendingPathComponent("certs").path, "--port-offset", "\(offset)", "--log-level", "error",
            ]
            let health = "http://127.0.0.1:\(4000 + offset)/health"
            let (first, _) = try await launch(executable, arguments, health: health, sampleMemory: false)
            firstRuns.append(first)
            let (again, resident) = try await launch(executable, arguments, health: health, sampleMemory: true)
            existing.append(again)
            memory.append(resident)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return Figures(firstRun: median(firstRuns), existing: median(existing), idleResidentMiB: median(memory))
    }

    /// An offset whose every block port is free.
    private static func launch(_ executable: String, _ arguments: [String], health: String, sampleMemory: Bool) async throws -> (Double, Double) {
        let start = ContinuousClock.now
        let process = try ChildProcess.start(executable, arguments)
        defer {
            process.terminate()
            process.waitForExit()
        }
        try await BenchHTTP.waitHealthy(url: health, timeout: .seconds(20))
        let elapsed = ContinuousClock.now - start
        var resident = 0.0
        if sampleMemory {
            try await Task.sleep(for: .seconds(1))
            resident = residentMiB(pid: process.pid)
        }
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, resident)
    }

    /// VmRSS from /proc, in MiB.
    private static func residentMiB(pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").compactMap({ Double($0) }).first
        else { return 0 }
        return kilobytes / 1024
    }
}
