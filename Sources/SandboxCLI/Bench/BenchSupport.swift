import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Logging
import NIOCore
import PKI
import SandboxCore
import SandboxCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary data and certs directory for an in-process sandbox on free ports.
struct BenchWorkspace {
    let root: URL

    init(prefix: String = "sandbox-bench") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    struct Server {
        let authority: CertificateAuthority
        let adminToken: String
        let pkiURL: String
        let configuration: SandboxConfiguration
        let task: Task<Void, any Error>
    }

    /// - Parameter fixturesDirectory: where the topology, registries and e-service definition are (default `Fixtures/`).
    func startServer(logger: Logger, fixturesDirectory: URL? = nil) throws -> Server {
        var configuration = SandboxConfiguration(
            dataDirectory: root.appendingPathComponent("data"), certsDirectory: root.appendingPathComponent("certs"))
        if let fixturesDirectory { configuration.fixturesDirectory = fixturesDirectory }
        try configuration.assignFreePorts()
        _ = try PKIBootstrap.ensure(configuration: configuration.pkiConfiguration(), force: false, now: Date())
        let token = try AdminToken.loadOrCreate(dataDirectory: configuration.dataDirectory)
        let server = try SandboxServer(configuration: configuration, adminToken: token, logger: logger)
        let task = Task { try await server.run(logger: logger) }
        guard let authority = server.authority else { throw CLIError("the benchmark sandbox started without its PKI") }
        return Server(authority: authority, adminToken: token.value, pkiURL: configuration.baseURL(.pki), configuration: configuration, task: task)
    }
}

/// HTTP load generation with AsyncHTTPClient (the same client a Swift trainee would use).
enum BenchHTTP {
    /// Polls until the URL answers 200, for at most 10 s.
    static func waitHealthy(url: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1)), response.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CLIError("\(url) did not become healthy within \(timeout)")
    }

    /// Requests/s that `concurrency` clients achieve for `seconds`, counting only answers `accept` approves
    /// (by default: 200 with a DER body).
    static func throughput(
        url: String, body: [UInt8], contentType: String, headers: [(String, String)] = [], seconds: Double, concurrency: Int,
        accept: @escaping @Sendable (Int, ByteBuffer) -> Bool = { status, body in status == 200 && body.readableBytesView.first == 0x30 }
    ) async throws -> Double {
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        // Each client counts its own answers; the totals are summed at the end (no shared counter).
        let (completed, failed) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var ok = 0
                    var bad = 0
                    while ContinuousClock.now < end {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: contentType)
                        for (name, value) in headers { request.headers.add(name: name, value: value) }
                        request.body = .bytes(ByteBuffer(bytes: body))
                        let response = try await BenchHTTP.client.execute(request, timeout: .seconds(10))
                        let answer = try await response.body.collect(upTo: 1 << 20)
                        if accept(Int(response.status.code), answer) { ok += 1 } else { bad += 1 }
                    }
                    return (ok, bad)
                }
            }
            var totals = (0, 0)
            for try await (ok, bad) in group { totals = (totals.0 + ok, totals.1 + bad) }
            return totals
        }
        let elapsed = ContinuousClock.now - start
        if failed > 0 { throw CLIError("\(failed) requests to \(url) failed") }
        return Double(completed) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

extension BenchHTTP {
    /// The load generator's client: one connection per concurrent client (the shared client opens at most
    /// 8 per host, which would cap every figure at 8 requests in flight whatever `--concurrency` says).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

/// Throughput and latency of GET requests, for comparing a path with and without X-Road in between.
struct LoadFigures {
    let perSecond: Double
    let p50: Duration
    let p99: Duration
    /// CPU time the whole process (servers and load generator) spent per request. Throughput moves with
    /// whatever else the machine runs; CPU per request much less, so it shows smaller changes.
    let cpuPerRequest: Duration
}

/// CPU time this process has used, all threads together.
enum ProcessCPUTime {
    /// `clock()` counts microseconds (POSIX fixes `CLOCKS_PER_SEC` at a million) of this process's CPU.
    static func now() -> Duration { .microseconds(Int64(clock())) }
}

extension BenchHTTP {
    /// `concurrency` clients sending GET `url` for `seconds`; every answer must be 200.
    static func load(url: String, headers: [(String, String)], seconds: Double, concurrency: Int) async throws -> LoadFigures {
        let start = ContinuousClock.now
        let cpuAtStart = ProcessCPUTime.now()
        let end = start + .milliseconds(Int(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [Duration] = []
                    while ContinuousClock.now < end {
                        var request = HTTPClientRequest(url: url)
                        for (name, value) in headers { request.headers.add(name: name, value: value) }
                        let sent = ContinuousClock.now
                        let response = try await BenchHTTP.client.execute(request, timeout: .seconds(10))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .ok else { throw CLIError("GET \(url) answered \(response.status.code)") }
                        mine.append(ContinuousClock.now - sent)
                    }
                    return mine
                }
            }
            var all: [Duration] = []
            for try await some in group { all += some }
            return all.sorted()
        }
        let elapsed = ContinuousClock.now - start
        let cpu = ProcessCPUTime.now() - cpuAtStart
        guard !latencies.isEmpty else { throw CLIError("no request to \(url) completed") }
        return LoadFigures(
            perSecond: Double(latencies.count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18),
            p50: latencies[latencies.count / 2], p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            cpuPerRequest: cpu / latencies.count)
    }
}

/// Raw signatures through our OpenSSL layer, single-threaded like `openssl speed`.
enum CryptoBench {
    static func signaturesPerSecond(algorithm: KeyAlgorithm, seconds: Double) throws -> Double {
        let key = try PrivateKey.generate(algorithm)
        let data = [UInt8](repeating: 0x42, count: 32)
        var count = 0
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            for _ in 0..<50 { _ = try key.sign(data, digest: algorithm.signingDigest) }
            count += 50
        }
        let elapsed = ContinuousClock.now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// `openssl speed` for the same key type, parsed from its summary table.
enum OpenSSLSpeed {
    static func signaturesPerSecond(_ algorithm: KeyAlgorithm) -> Double? {
        guard let output = try? ChildProcess.run("openssl", ["speed", "-seconds", "2", algorithm.openSSLSpeedName]).outputText else { return nil }
        // EC: " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  35245.2   11804.9" → sign/s is the second to last column.
        // RSA: "rsa 2048 bits 0.000601s 0.000018s   1663.0  55555.0" → sign/s likewise.
        for line in output.split(separator: "\n").reversed() {
            let columns = line.split(separator: " ").compactMap { Double($0) }
            if (line.contains("ecdsa") || line.hasPrefix("rsa")) && columns.count >= 2 { return columns[columns.count - 2] }
        }
        return nil
    }
}
