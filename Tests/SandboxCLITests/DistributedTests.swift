import Foundation
import SandboxCore
import SandboxTesting
import Testing
@testable import SandboxCLI

/// Every service of `docker/compose.yaml` started as its own `sandbox` process on loopback, with the
/// compose file's own commands and environment (container names become 127.0.0.1, ports shift by one
/// offset), each block with its own data directory: the deployment of one container a block, without
/// a container engine.
@Suite("One block per process, wired as docker/compose.yaml", .serialized)
struct DistributedTests {
    /// The `sandbox` executable SwiftPM built next to this test bundle.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("sandbox").path
    }

    final class Deployment: Sendable {
        let directory: TemporaryDirectory
        let compose: ComposeFile
        let offset: Int
        let processes: [String: ChildProcess]

        init() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: DistributedTests.executable), "build the sandbox executable first (swift build)")
            directory = try TemporaryDirectory("distributed")
            compose = try ComposeFile(contentsOf: URL(fileURLWithPath: "docker/compose.yaml"))
            offset = try PortProbe.freeOffset()
            var processes: [String: ChildProcess] = [:]
            for name in compose.startOrder {
                let service = try compose.local(name, offset: offset, root: directory.url)
                let log = directory.path("\(name).log")
                if name == "init" {
                    let result = try ChildProcess.start(DistributedTests.executable, service.arguments, environment: service.environment, logFile: log).waitForExit()
                    guard result == 0 else { throw TestFailure("init exited \(result): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
                    continue
                }
                processes[name] = try ChildProcess.start(DistributedTests.executable, service.arguments, environment: service.environment, logFile: log)
                if let health = service.healthURL {
                    do {
                        try await BenchHTTP.waitHealthy(url: health, timeout: .seconds(60))
                    } catch {
                        for process in processes.values { process.terminate() }
                        throw TestFailure("\(name) did not become healthy: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
                    }
                }
            }
            self.processes = processes
        }

        /// A block's URL from the compose file's environment, made local.
        func url(_ variable: String) throws -> String {
            guard let value = try compose.local("pki", offset: offset, root: directory.url).environment[variable] else {
                throw TestFailure("compose.yaml sets no \(variable)")
            }
            return value
        }

        func stop() {
            for process in processes.values { process.terminate() }
            for process in processes.values { process.waitForExit() }
        }
    }

    @Test func everyBlockRunsAloneAndTheExchangeCrossesProcesses() async throws {
        let deployment = try await Deployment()
        defer { deployment.stop() }
        #expect(deployment.processes.keys.sorted() == ["agrement-fai", "central-server", "overview", "pki", "pnpe", "registries", "ss-arcep", "ss-asin"])

        // The overview, in its own process, finds every other block.
        let (healthStatus, health) = try await HTTPTestClient.get(try deployment.url("SANDBOX_URL_OVERVIEW") + "/health")
        #expect(healthStatus == 200, "\(health)")

        // ss-arcep signs, ss-asin (another process, its own keys and log) verifies and asks the registries process.
        let client = ("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let (status, person) = try await HTTPTestClient.get(
            try deployment.url("SANDBOX_URL_SS_ARCEP") + "/r1/BJ-SANDBOX/GOV/ANIP/RNPP/persons/1000000042", headers: [client])
        #expect(status == 200, "\(person)")
        #expect(person.contains("AGOSSOU"))
        let providerLog = deployment.directory.url.appendingPathComponent("data-ss-asin/xroad/ss-asin/messagelog.sqlite")
        #expect(FileManager.default.fileExists(atPath: providerLog.path), "ss-asin keeps its own message log in its own data directory")
        #expect(!FileManager.default.fileExists(atPath: deployment.directory.url.appendingPathComponent("data-ss-arcep/xroad/ss-asin").path))

        // The PNPE writes its public URL (the one a payer's browser opens) into checkout links.
        let (created, payment) = try await HTTPTestClient.post(
            try deployment.url("SANDBOX_URL_PNPE") + "/v1/payments", headers: [("Authorization", "Bearer sk_test_arcep_sandbox_illustrative")],
            body: #"{"amount":25000}"#)
        #expect(created == 201, "\(payment)")
        #expect(payment.contains("\"checkout_url\" : \"\(try deployment.url("SANDBOX_PUBLIC_URL_PNPE"))/checkout/"))
    }

    /// The issue's story, told by `sandbox demo` (its own process too) against the blocks of the compose
    /// file: registry checks across three processes, the fee paid on the PNPE with its webhook crossing to
    /// the e-service, the decision sealed by the PKI; then a document revoked after issue.
    @Test func theDemoStoryRunsAgainstSeparateProcesses() async throws {
        let deployment = try await Deployment()
        defer { deployment.stop() }
        let client = try deployment.compose.local("agrement-fai", offset: deployment.offset, root: deployment.directory.url)
        let log = deployment.directory.path("demo.log")
        let status = try ChildProcess.start(
            DistributedTests.executable, ["demo", "--scenario", "happy", "--port-offset", "\(deployment.offset)"],
            environment: client.environment, logFile: log
        ).waitForExit()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(output)")
        #expect(output.contains("confirmé par / confirmed by: webhook"), "\(output)")
        #expect(output.contains("TOTAL_PASSED, VALID"), "\(output)")
        #expect(!output.contains("✗"), "\(output)")
        let revoked = try ChildProcess.start(
            DistributedTests.executable, ["demo", "--scenario", "revoked-document", "--port-offset", "\(deployment.offset)"],
            environment: client.environment, logFile: log
        ).waitForExit()
        let revokedOutput = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(revoked == 0 && revokedOutput.contains("REVOKED"), "\(revokedOutput)")
    }

    @Test func composeDefaultsAndLocalWiring() throws {
        #expect(ComposeFile.substituteDefaults("http://${SANDBOX_PUBLIC_HOST:-localhost}:8090") == "http://localhost:8090")
        let compose = try ComposeFile(contentsOf: URL(fileURLWithPath: "docker/compose.yaml"))
        let order = compose.startOrder
        #expect(order.first == "init")
        #expect(try #require(order.firstIndex(of: "ss-asin")) < #require(order.firstIndex(of: "ss-arcep")))
        let arcep = try compose.local("ss-arcep", offset: 100, root: URL(fileURLWithPath: "/tmp/x"))
        #expect(arcep.environment["SANDBOX_URL_SS_ASIN_SERVER"] == "https://127.0.0.1:5601")
        #expect(arcep.arguments.prefix(3) == ["serve", "security-server", "ss-arcep"])
        #expect(arcep.arguments.contains("/tmp/x/data-ss-arcep"))
    }
}
