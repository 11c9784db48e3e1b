import ArgumentParser
import Foundation
import SandboxCore
import Synchronization
import Testing
@testable import SandboxCLI

/// `sandbox demo --start --scenario all`: a sandbox in this process on free ports, and every story told
/// over HTTP against it — the same code a trainer runs against `sandbox up`.
@Suite("sandbox demo")
struct DemoTests {
    @Test func everyStoryEndsGreen() async throws {
        let lines = Mutex<[String]>([])
        let command = try DemoCommand.parse(["--start", "--scenario", "all"])
        let report = try await command.execute { line in lines.withLock { $0.append(line) } }
        let output = lines.withLock { $0.joined(separator: "\n") }

        #expect(report.passed, "\(output)")
        #expect(report.stories.map(\.scenario) == [.happy, .struckOff, .taxArrears, .insufficientFunds, .revokedDocument])
        #expect(!output.contains("✗"), "\(output)")
        #expect(output.contains("✓ 5/5"))
        // The fee is confirmed by the signed webhook, not by the browser's return.
        #expect(output.contains("confirmé par / confirmed by: webhook"))
        // The struck-off company and the one in arrears are sent back, each for its own failed check.
        let struckOff = try #require(report.stories.first { $0.scenario == .struckOff })
        #expect(struckOff.steps.last?.lines.first?.hasPrefix("SENDBACK") == true)
        #expect(struckOff.steps.contains { $0.lines.contains { $0.contains("COMPANY_ACTIVE FAILED") && $0.contains("radiée") } })
        let arrears = try #require(report.stories.first { $0.scenario == .taxArrears })
        #expect(arrears.steps.contains { $0.lines.contains { $0.contains("TAXES_UP_TO_DATE FAILED") && $0.contains("2450000") } })
        // A second payment after insufficient funds carries the file number with -P2.
        #expect(output.contains("-P2 — http://"))
        #expect(output.contains("TOTAL_PASSED, VALID"))
        #expect(output.contains("REVOKED — http://"))
        // Each step says how long it took, and the X-Road exchanges link to the message log.
        #expect(output.contains(" ms") && output.contains("/asic?queryId=BJ-SANDBOX-"))
    }

    @Test func withoutASandboxTheDemoSaysWhatToDo() async throws {
        let port = try PortProbe.freePort()
        let nowhere = "http://127.0.0.1:\(port)"
        let endpoints = DemoEndpoints(eService: nowhere, pki: nowhere, pnpe: nowhere, overview: nowhere)
        let error = await #expect(throws: CLIError.self) { try await DemoCommand.tell([.happy], endpoints: endpoints, adminToken: nil, emit: { _ in }) }
        #expect(error?.description.contains("sandbox demo --start") == true)
    }
}
