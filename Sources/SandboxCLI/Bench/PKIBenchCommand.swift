import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Logging
import NIOCore
import PKI
import SandboxCore
import SandboxCrypto

/// `sandbox bench pki`: the figures issue #2 asks for, each as a median of several runs and as a ratio to
/// `openssl speed` measured in the same run on the same machine.
struct PKIBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "OCSP and TSA throughput over HTTP, raw signatures/s, start-up time and idle memory.",
        discussion: "Run a release build: swift run -c release sandbox bench pki")

    @OptionGroup var options: BenchOptions

    @Flag(help: "Skip the start-up and memory measurements (which spawn `sandbox up`).")
    var skipStartup = false

    func run() async throws {
        BenchOptions.warnIfDebugBuild("pki")
        let (seconds, runs, concurrency) = (options.seconds, options.runs, options.concurrency ?? 32)
        let workspace = try BenchWorkspace()
        defer { workspace.remove() }
        let server = try workspace.startServer(logger: BenchOptions.quietLogger)
        defer { server.task.cancel() }
        try await BenchHTTP.waitHealthy(url: server.pkiURL + "/health")

        // Inputs prepared once: an OCSP request about a freshly issued certificate, and a timestamp query.
        let certificate = try server.authority.issueWithGeneratedKey(
            profile: "tls-server", subject: ["commonName": "bench.local"], subjectAltNames: ["DNS:bench.local"],
            keyAlgorithm: .ecdsaP256, validityDays: nil).0
        let ocspRequest = try OCSPRequest.create(certificate: certificate, issuer: server.authority.trust.issuing).der
        let tsQuery = try TimestampRequest.create(digestAlgorithm: .sha256, digest: DigestAlgorithm.sha256.hash([UInt8]("bench".utf8))).der

        let algorithm = server.authority.trust.ocspResponderKey.algorithm ?? .ecdsaP256
        let speed = OpenSSLSpeed.signaturesPerSecond(algorithm)

        print("sandbox bench pki — \(runs) runs × \(String(format: "%.0f", seconds)) s, \(concurrency) concurrent clients, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let ocsp = try await median(runs) {
            try await BenchHTTP.throughput(url: server.pkiURL + "/pki/v1/ocsp", body: ocspRequest, contentType: "application/ocsp-request",
                                           seconds: seconds, concurrency: concurrency)
        }
        let tsa = try await median(runs) {
            try await BenchHTTP.throughput(url: server.pkiURL + "/pki/v1/tsa", body: tsQuery, contentType: "application/timestamp-query",
                                           seconds: seconds, concurrency: concurrency)
        }
        let signatures = try await median(runs) { try CryptoBench.signaturesPerSecond(algorithm: algorithm, seconds: min(seconds, 2)) }

        // Issue 3: signatures by the ARCEP seal and full validations (with OCSP and CRL checks), over HTTP.
        let document = Data("{\"agrement\":\"AGR-FAI-2026-000042\"}\n".utf8).base64EncodedString()
        func signBody(_ level: String) -> [UInt8] {
            Array(#"{"document":{"name":"a.json","bytes":"\#(document)"},"format":"CAdES","level":"\#(level)","signingKey":"seal-arcep-sandbox"}"#.utf8)
        }
        let admin = [("Authorization", "Bearer \(server.adminToken)")]
        let created: @Sendable (Int, ByteBuffer) -> Bool = { status, _ in status == 201 }
        let cadesB = try await median(runs) {
            try await BenchHTTP.throughput(url: server.pkiURL + "/pki/v1/signatures", body: signBody("BASELINE_B"), contentType: "application/json",
                                           headers: admin, seconds: seconds, concurrency: concurrency, accept: created)
        }
        let cadesT = try await median(runs) {
            try await BenchHTTP.throughput(url: server.pkiURL + "/pki/v1/signatures", body: signBody("BASELINE_T"), contentType: "application/json",
                                           headers: admin, seconds: seconds, concurrency: concurrency, accept: created)
        }
        let sample = try server.authority.sign(.bytes(name: "a.json", [UInt8](Data(base64Encoded: document)!)), format: .cades, level: .baselineT, keyID: "seal-arcep-sandbox")
        let validationBody = Array(#"{"signedDocument":{"bytes":"\#(Data(sample.signature).base64EncodedString())"},"originalDocuments":[{"bytes":"\#(document)"}]}"#.utf8)
        let validations = try await median(runs) {
            try await BenchHTTP.throughput(url: server.pkiURL + "/pki/v1/validations", body: validationBody, contentType: "application/json",
                                           seconds: seconds, concurrency: concurrency) { status, body in
                status == 200 && String(buffer: body).contains("\"indication\" : \"TOTAL_PASSED\"")
            }
        }

        func ratio(_ value: Double) -> String { speed.map { String(format: "%.3f× openssl speed", value / $0) } ?? "openssl speed unavailable" }
        print(row("OCSP responses/s over HTTP (aim ≥ 2000)", ocsp, ratio(ocsp)))
        print(row("Timestamps/s over HTTP (aim ≥ 2000)", tsa, ratio(tsa)))
        print(row("\(algorithm.name) signatures/s, our Crypto layer", signatures, ratio(signatures)))
        if let speed { print(row("\(algorithm.name) signatures/s, openssl speed", speed, "baseline (1 core)")) }
        print(row("CAdES-B-B signatures/s over HTTP (aim ≥ 1000)", cadesB, ratio(cadesB)))
        print(row("CAdES-B-T signatures/s over HTTP", cadesT, ratio(cadesT)))
        print(row("Validations/s over HTTP (aim ≥ 500)", validations, ratio(validations)))

        if !skipStartup {
            let startup = try await StartupBench.measure(runs: runs)
            print(line("Start-up to healthy, first run (key generation)", String(format: "%.3f s", startup.firstRun), "aim < 3 s"))
            print(line("Start-up to healthy, existing data directory", String(format: "%.3f s", startup.existing), "aim < 1 s"))
            print(line("Resident memory when idle", String(format: "%.1f MiB", startup.idleResidentMiB), "VmRSS of `sandbox up`"))
        }
    }

    private func row(_ label: String, _ value: Double, _ note: String) -> String {
        line(label, String(format: "%.0f", value), note)
    }

    private func line(_ label: String, _ value: String, _ note: String) -> String {
        BenchOptions.line(label, value, note, labelWidth: 50)
    }

    private func median(_ count: Int, _ measure: () async throws -> Double) async throws -> Double {
        var values: [Double] = []
        for _ in 0..<count { values.append(try await measure()) }
        return values.sorted()[values.count / 2]
    }
}
