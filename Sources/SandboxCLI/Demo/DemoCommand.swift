import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SandboxCore

/// `sandbox demo`: the sample e-service's whole story over HTTP, against a running sandbox (`sandbox up`)
/// or, with `--start`, one started in this process on free ports in a temporary directory. Each step is
/// printed with ✓ or ✗, its time and the links to open; any failure makes the exit code 1.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play the Agrément FAI story end to end: submit, X-Road checks, PNPE fee, agent's decision, PKI verification.",
        discussion: """
            Scenarios: happy (default), struck-off, tax-arrears, insufficient-funds, revoked-document, all.
            Against `sandbox up` by default (its ports, shifted by --port-offset); --start runs a sandbox of its own.
            """)

    @OptionGroup var options: SandboxOptions

    @Option(help: "Which story: happy, struck-off, tax-arrears, insufficient-funds, revoked-document, or all.")
    var scenario: DemoScenario = .happy

    @Flag(help: "Start a sandbox in this process on free ports (temporary data), instead of using a running one.")
    var start = false

    @Option(help: "Admin token, to withdraw a document at the PKI (default: $SANDBOX_ADMIN_TOKEN, then <data-dir>/admin-token).")
    var token: String?

    func run() async throws {
        let report = try await execute { line in
            print(line)
            fflush(nil)  // each step shows as it ends, even when stdout is a pipe
        }
        guard report.passed else { throw ExitCode(1) }
    }

    /// Runs the stories and returns what happened; `emit` receives each printed line.
    func execute(emit: @escaping @Sendable (String) -> Void) async throws -> DemoReport {
        guard start else {
            let configuration = options.configuration
            let endpoints = DemoEndpoints(
                eService: configuration.baseURL(.agrementFAI), pki: configuration.baseURL(.pki), pnpe: configuration.baseURL(.pnpe),
                overview: configuration.baseURL(.overview))
            return try await Self.tell(scenario.stories, endpoints: endpoints, adminToken: adminToken(configuration), emit: emit)
        }
        var logger = Logger(label: "sandbox-demo")
        logger.logLevel = .critical
        let workspace = try BenchWorkspace(prefix: "sandbox-demo")
        defer { workspace.remove() }
        let server = try workspace.startServer(logger: logger, fixturesDirectory: options.configuration.fixturesDirectory)
        defer { server.task.cancel() }
        emit("Bac à sable démarré pour la démo / sandbox started for the demo (\(workspace.root.path))")
        let configuration = server.configuration
        try await BenchHTTP.waitHealthy(url: configuration.baseURL(.overview) + "/health", timeout: .seconds(60))
        let endpoints = DemoEndpoints(
            eService: configuration.baseURL(.agrementFAI), pki: configuration.baseURL(.pki), pnpe: configuration.baseURL(.pnpe), overview: configuration.baseURL(.overview))
        let report = try await Self.tell(scenario.stories, endpoints: endpoints, adminToken: server.adminToken, emit: emit)
        server.task.cancel()
        _ = try? await server.task.value
        return report
    }

    /// The admin token if one can be found; only the revoked-document story needs it.
    private func adminToken(_ configuration: SandboxConfiguration) -> String? {
        if let token { return token }
        if let environment = ProcessInfo.processInfo.environment["SANDBOX_ADMIN_TOKEN"], !environment.isEmpty { return environment }
        let file = configuration.dataDirectory.appendingPathComponent("admin-token")
        return (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func tell(_ scenarios: [DemoScenario], endpoints: DemoEndpoints, adminToken: String?, emit: @escaping @Sendable (String) -> Void) async throws -> DemoReport {
        let health = try? await SandboxHTTPClient(baseURL: "", token: nil).send(.GET, endpoints.eService + "/health", timeout: .seconds(2))
        guard health?.status == 200 else {
            throw CLIError("the e-service does not answer at \(endpoints.eService): start `sandbox up` in another terminal (same --port-offset), or use `sandbox demo --start`")
        }
        var report = DemoReport()
        for scenario in scenarios {
            emit("")
            emit("▶ \(scenario.title)")
            let recorder = StoryRecorder(emit: emit)
            do {
                try await DemoStory(scenario: scenario, endpoints: endpoints, adminToken: adminToken, recorder: recorder).run()
            } catch is StoryRecorder.Stop {
                // The failed step was printed; the next story starts afresh.
            }
            report.stories.append(.init(scenario: scenario, steps: recorder.recorded))
        }
        let passed = report.stories.filter(\.passed).count
        emit("")
        emit(passed == report.stories.count
            ? "✓ \(passed)/\(report.stories.count) histoire(s) réussie(s) / stories passed — \(endpoints.eService)/messages, \(endpoints.overview)"
            : "✗ \(report.stories.count - passed)/\(report.stories.count) histoire(s) en échec / stories failed")
        return report
    }
}
