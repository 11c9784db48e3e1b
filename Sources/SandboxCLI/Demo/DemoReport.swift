import Foundation
import Synchronization

/// What `sandbox demo` did: one story per scenario, each a list of steps with their outcome and timing.
struct DemoReport: Sendable {
    struct Step: Sendable {
        let title: String
        let passed: Bool
        let milliseconds: Int
        let lines: [String]
    }

    struct Story: Sendable {
        let scenario: DemoScenario
        let steps: [Step]
        var passed: Bool { !steps.isEmpty && steps.allSatisfy(\.passed) }
    }

    var stories: [Story] = []
    var passed: Bool { !stories.isEmpty && stories.allSatisfy(\.passed) }
}

/// Runs the steps of one story in order, printing each as it ends (✓ or ✗, its time, its links); the
/// first failure ends the story, since the next steps depend on it.
final class StoryRecorder: Sendable {
    struct Stop: Error {}

    private let steps = Mutex<[DemoReport.Step]>([])
    private let emit: @Sendable (String) -> Void

    init(emit: @escaping @Sendable (String) -> Void) { self.emit = emit }

    var recorded: [DemoReport.Step] { steps.withLock { $0 } }

    /// Runs `body`, whose result is the lines to print under the step (links, ids, findings).
    func step(_ title: String, _ body: () async throws -> [String]) async throws {
        let start = ContinuousClock.now
        do {
            let lines = try await body()
            record(title, passed: true, since: start, lines: lines)
        } catch {
            record(title, passed: false, since: start, lines: ["\(error)"])
            throw Stop()
        }
    }

    private func record(_ title: String, passed: Bool, since start: ContinuousClock.Instant, lines: [String]) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        steps.withLock { $0.append(.init(title: title, passed: passed, milliseconds: milliseconds, lines: lines)) }
        let mark = passed ? "✓" : "✗"
        emit("  \(mark) \(title.padding(toLength: 72, withPad: " ", startingAt: 0)) \(String(format: "%6d", milliseconds)) ms")
        for line in lines { emit("      \(line)") }
    }
}
