import ArgumentParser
import Foundation
import Logging
import SandboxCore
import XRoad

/// `sandbox bench xroad`: REST exchanges information system → ss-arcep → ss-asin → RCCM backend (two
/// signatures, two verifications, four message-log writes, batch time-stamping), against direct calls to
/// the same backend, in the same run.
struct XRoadBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xroad",
        abstract: "X-Road exchange throughput and latency against direct calls to the same backend.",
        discussion: "Run a release build from the repository root: swift run -c release sandbox bench xroad")

    @OptionGroup var options: BenchOptions

    func run() async throws {
        BenchOptions.warnIfDebugBuild("xroad")
        let (seconds, runs, concurrency) = (options.seconds, options.runs, options.concurrency ?? 16)
        let workspace = try BenchWorkspace()
        defer { workspace.remove() }
        let server = try workspace.startServer(logger: BenchOptions.quietLogger)
        defer { server.task.cancel() }
        let configuration = server.configuration
        try await BenchHTTP.waitHealthy(url: configuration.baseURL(.overview) + "/health", timeout: .seconds(60))

        let query = "?rccm=RB%2FCOT%2F24%20B%2000042"
        let direct = configuration.baseURL(.registryRCCM) + "/v1/companies" + query
        let exchange = configuration.baseURL(.securityServerARCEP) + "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies" + query
        let client = [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")]
        // Warm both paths (connections, first key loads).
        _ = try await BenchHTTP.load(url: exchange, headers: client, seconds: 0.5, concurrency: concurrency)
        _ = try await BenchHTTP.load(url: direct, headers: [], seconds: 0.5, concurrency: concurrency)

        print("sandbox bench xroad — \(runs) runs × \(String(format: "%.0f", seconds)) s, \(concurrency) concurrent clients, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var directRuns: [LoadFigures] = []
        var exchangeRuns: [LoadFigures] = []
        for _ in 0..<runs {
            directRuns.append(try await BenchHTTP.load(url: direct, headers: [], seconds: seconds, concurrency: concurrency))
            exchangeRuns.append(try await BenchHTTP.load(url: exchange, headers: client, seconds: seconds, concurrency: concurrency))
        }
        // Latency without queueing: one client at a time.
        var directAlone: [LoadFigures] = []
        var exchangeAlone: [LoadFigures] = []
        for _ in 0..<runs {
            directAlone.append(try await BenchHTTP.load(url: direct, headers: [], seconds: min(seconds, 2), concurrency: 1))
            exchangeAlone.append(try await BenchHTTP.load(url: exchange, headers: client, seconds: min(seconds, 2), concurrency: 1))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func micro(_ duration: Duration) -> Double { milliseconds(duration) * 1000 }
        func milliseconds(_ duration: Duration) -> Double { Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15 }
        let directRate = median(directRuns.map(\.perSecond))
        let exchangeRate = median(exchangeRuns.map(\.perSecond))
        let directP50 = median(directRuns.map { milliseconds($0.p50) })
        let exchangeP50 = median(exchangeRuns.map { milliseconds($0.p50) })
        let directP99 = median(directRuns.map { milliseconds($0.p99) })
        let exchangeP99 = median(exchangeRuns.map { milliseconds($0.p99) })
        print(line("Direct GET to the RCCM backend", String(format: "%.0f/s", directRate), String(format: "p50 %.2f ms, p99 %.2f ms", directP50, directP99)))
        print(line("Through ss-arcep → ss-asin", String(format: "%.0f/s", exchangeRate), String(format: "p50 %.2f ms, p99 %.2f ms", exchangeP50, exchangeP99)))
        print(line("Exchange / direct throughput", String(format: "%.1f %%", 100 * exchangeRate / directRate), "aim ≥ 15 %"))
        let directCPU = median(directRuns.map { micro($0.cpuPerRequest) })
        let exchangeCPU = median(exchangeRuns.map { micro($0.cpuPerRequest) })
        print(line("CPU per request: direct / exchange", String(format: "%.0f / %.0f µs", directCPU, exchangeCPU), "whole process, load included"))
        print(line("Direct / exchange CPU", String(format: "%.1f %%", 100 * directCPU / exchangeCPU), "steadier on a busy machine"))
        let aloneDirect = median(directAlone.map { milliseconds($0.p50) })
        let aloneExchange = median(exchangeAlone.map { milliseconds($0.p50) })
        print(line("One client: direct / exchange p50", String(format: "%.2f / %.2f ms", aloneDirect, aloneExchange), "no queueing"))
        print(line("Added p50 latency, one client", String(format: "%.2f ms", aloneExchange - aloneDirect), "aim < 2 ms"))
        let costs = try ExchangeStepCosts.measure(
            keys: configuration.dataDirectory.appendingPathComponent("xroad/ss-arcep/keys"), member: try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP"),
            scratch: workspace.root)
        print(line("Seal / open an envelope, alone", String(format: "%.0f / %.0f µs", micro(costs.seal), micro(costs.open)), "each side does both once"))
        print(line("Message-log write, alone", String(format: "%.0f µs", micro(costs.logWrite)), "four per exchange"))
        print(line("Added p50 latency, \(concurrency) clients", String(format: "%.2f ms", exchangeP50 - directP50), "includes queueing on \(ProcessInfo.processInfo.activeProcessorCount) cores"))
    }

    private func line(_ label: String, _ value: String, _ note: String) -> String {
        BenchOptions.line(label, value, note, labelWidth: 36)
    }
}
