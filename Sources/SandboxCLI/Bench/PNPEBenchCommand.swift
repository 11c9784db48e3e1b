import ArgumentParser
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PNPE
import SandboxCore
import Synchronization

/// `sandbox bench pnpe`: payment creations/s and create + collect + succeed cycles/s over HTTP, then the
/// webhook delivery latency (state change → receiver got it) at a steady 100 payments/s, in one run.
struct PNPEBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pnpe",
        abstract: "PNPE throughput (creations, full payment cycles) and webhook delivery latency.",
        discussion: "Run a release build from the repository root: swift run -c release sandbox bench pnpe")

    @OptionGroup var options: BenchOptions

    @Option(help: "Payments per second for the webhook latency measurement.")
    var rate: Int = 100

    func run() async throws {
        BenchOptions.warnIfDebugBuild("pnpe")
        let (seconds, runs, concurrency) = (options.seconds, options.runs, options.concurrency ?? 16)
        let workspace = try BenchWorkspace()
        defer { workspace.remove() }
        let server = try workspace.startServer(logger: BenchOptions.quietLogger)
        defer { server.task.cancel() }
        let base = server.configuration.baseURL(.pnpe)
        try await BenchHTTP.waitHealthy(url: server.configuration.baseURL(.overview) + "/health", timeout: .seconds(60))
        let auth = [("Authorization", "Bearer \(DemoMerchant.secretKey)")]
        let create = Array(#"{"amount":25000}"#.utf8)
        _ = try await BenchHTTP.throughput(url: base + "/v1/payments", body: create, contentType: "application/json", headers: auth, seconds: 0.5, concurrency: concurrency, accept: { status, _ in status == 201 })

        print("sandbox bench pnpe — \(runs) runs × \(String(format: "%.0f", seconds)) s, \(concurrency) concurrent clients, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var creations: [Double] = []
        var cycles: [Double] = []
        for _ in 0..<runs {
            creations.append(try await BenchHTTP.throughput(
                url: base + "/v1/payments", body: create, contentType: "application/json", headers: auth, seconds: seconds, concurrency: concurrency,
                accept: { status, _ in status == 201 }))
            cycles.append(try await Self.cycles(base: base, auth: auth, seconds: seconds, concurrency: concurrency))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(BenchOptions.line("Payment creations", String(format: "%.0f/s", median(creations)), "aim ≥ 2 000/s on 2 cores", labelWidth: 40))
        print(BenchOptions.line("Create + collect + succeed cycles", String(format: "%.0f/s", median(cycles)), "3 requests each", labelWidth: 40))

        let latencies = try await Self.webhookLatencies(base: base, auth: auth, rate: rate, seconds: seconds)
        guard !latencies.isEmpty else { throw CLIError("no webhook arrived") }
        let sorted = latencies.sorted()
        let p50 = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        print(BenchOptions.line(
            "Webhook delivery at \(rate) payments/s", String(format: "p50 %.1f ms", p50), String(format: "p99 %.1f ms (aim ≤ 50 ms), %d delivered", p99, sorted.count),
            labelWidth: 40))
    }

    private static func send(_ method: HTTPMethod, _ url: String, auth: [(String, String)], body: String?) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in auth { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), try await response.body.collect(upTo: 1 << 20))
    }

    private static func paymentID(_ body: ByteBuffer) -> String? {
        if case .string(let id)? = (try? JSONParser.parse(Array(body.readableBytesView)))?["id"] { return id }
        return nil
    }

    /// Full cycles per second: create, collect (a number outside the catalogue), forced success.
    static func cycles(base: String, auth: [(String, String)], seconds: Double, concurrency: Int) async throws -> Double {
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < end {
                        let (status, body) = try await send(.POST, base + "/v1/payments", auth: auth, body: #"{"amount":25000}"#)
                        guard status == 201, let id = paymentID(body) else { throw CLIError("create answered \(status)") }
                        let (collected, _) = try await send(.POST, base + "/v1/payments/\(id)/collect", auth: auth, body: #"{"method":"mtn_momo","msisdn":"+2290166778899"}"#)
                        let (succeeded, _) = try await send(.POST, base + "/v1/test_helpers/payments/\(id)/succeed", auth: auth, body: nil)
                        guard collected == 202, succeeded == 200 else { throw CLIError("collect \(collected), succeed \(succeeded)") }
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        return Double(done) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Milliseconds from the forced success request to the receiver getting `payment.succeeded`, at a
    /// steady `rate` payments per second.
    static func webhookLatencies(base: String, auth: [(String, String)], rate: Int, seconds: Double) async throws -> [Double] {
        let arrivals = Stamps()
        let port = try PortProbe.freePort()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let now = ContinuousClock.now
            let bytes = try await request.body.collect(upTo: 1 << 20)
            if case .string(let id)? = (try? JSONParser.parse(Array(bytes.readableBytesView)))?["data"]?["object"]?["id"] {
                arrivals.record(id, now)
            }
            return .ok
        }
        router.get("health") { _, _ in "ok" }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: BenchOptions.quietLogger)
        let receiverTask = Task { try await receiver.runService() }
        defer { receiverTask.cancel() }
        try await BenchHTTP.waitHealthy(url: "http://127.0.0.1:\(port)/health", timeout: .seconds(5))
        let (status, _) = try await send(.POST, base + "/v1/webhook_endpoints", auth: auth, body: "{\"url\":\"http://127.0.0.1:\(port)/hook\",\"events\":[\"payment.succeeded\"]}")
        guard status == 201 else { throw CLIError("webhook endpoint: \(status)") }

        let sent = Stamps()
        let total = max(1, Int(Double(rate) * seconds))
        let interval = Duration.nanoseconds(1_000_000_000 / max(1, rate))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                try await Task.sleep(until: start + interval * index, clock: .continuous)
                group.addTask {
                    let (created, body) = try await send(.POST, base + "/v1/payments", auth: auth, body: #"{"amount":25000}"#)
                    guard created == 201, let id = paymentID(body) else { throw CLIError("create answered \(created)") }
                    let now = ContinuousClock.now
                    sent.record(id, now)
                    _ = try await send(.POST, base + "/v1/test_helpers/payments/\(id)/succeed", auth: auth, body: nil)
                }
            }
            try await group.waitForAll()
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, arrivals.all.count < total { try await Task.sleep(for: .milliseconds(20)) }
        let starts = sent.all
        return arrivals.all.compactMap { id, arrival in
            starts[id].map { start in
                let elapsed = arrival - start
                return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            }
        }
    }
}

/// Instants by payment id, shared between the load generator and the receiver.
private final class Stamps: Sendable {
    private let storage = Mutex<[String: ContinuousClock.Instant]>([:])
    func record(_ id: String, _ instant: ContinuousClock.Instant) { storage.withLock { $0[id] = instant } }
    var all: [String: ContinuousClock.Instant] { storage.withLock { $0 } }
}
