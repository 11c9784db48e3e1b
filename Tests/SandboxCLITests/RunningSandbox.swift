import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PKI
import SandboxCore
import SandboxTesting
@testable import SandboxCLI

/// A whole sandbox started in-process on free ports, in temporary directories, as `sandbox up` would.
final class RunningSandbox: Sendable {
    let directory: TemporaryDirectory
    let configuration: SandboxConfiguration
    let server: SandboxServer
    let task: Task<Void, any Error>

    init(reusing directory: TemporaryDirectory? = nil) async throws {
        let directory = try directory ?? TemporaryDirectory("sandbox-e2e")
        var configuration = SandboxConfiguration(dataDirectory: directory.file("data"), certsDirectory: directory.file("certs"))
        try configuration.assignFreePorts()
        _ = try PKIBootstrap.ensure(configuration: configuration.pkiConfiguration(), force: false, now: Date())
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let server = try SandboxServer(
            configuration: configuration, adminToken: try AdminToken.loadOrCreate(dataDirectory: configuration.dataDirectory), logger: logger)
        self.directory = directory
        self.configuration = configuration
        self.server = server
        let task = Task { try await server.run(logger: logger) }
        self.task = task
        do {
            // Generous: under a loaded CI machine, several debug-build sandboxes start at once.
            // The overview answers 200 only once every block does (the security servers enrol first).
            try await BenchHTTP.waitHealthy(url: configuration.baseURL(.overview) + "/health", timeout: .seconds(60))
        } catch {
            // If a server could not start, its own error says why (a port clash, say), not the timeout.
            task.cancel()
            if case .failure(let serverError) = await task.result { throw serverError }
            throw error
        }
    }

    /// The in-process PKI (a whole sandbox always runs one).
    var authority: CertificateAuthority {
        guard let authority = server.authority else { fatalError("a whole sandbox runs its PKI") }
        return authority
    }

    /// Stops the servers and waits until they are gone.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Arguments every client command needs to reach this sandbox.
    var clientArguments: [String] {
        ["--data-dir", configuration.dataDirectory.path, "--certs-dir", configuration.certsDirectory.path, "--pki-url", configuration.baseURL(.pki)]
    }

    func post(_ url: String, headers: [(String, String)] = [], body: String) async throws -> (Int, String) {
        try await HTTPTestClient.post(url, headers: headers, body: body)
    }

    func get(_ url: String, headers: [(String, String)] = []) async throws -> (Int, String) {
        try await HTTPTestClient.get(url, headers: headers)
    }
}

/// Plain requests with a short timeout, answering status and text.
enum HTTPTestClient {
    static func post(_ url: String, headers: [(String, String)] = [], body: String) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    static func get(_ url: String, headers: [(String, String)] = []) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }
}
