import Foundation
import Synchronization

/// Every source of time in the sandbox. Swift already has a `Clock` protocol (for durations), hence the name.
public protocol SandboxClock: Sendable {
    func now() -> Date
}

/// Real time.
public struct SystemClock: SandboxClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// Real time that labs and tests can shift or freeze: "it is now the day after the revocation".
public final class VirtualClock: SandboxClock {
    private struct State {
        var offset: TimeInterval = 0
        var frozen: Date?
    }

    private let base: any SandboxClock
    private let state = Mutex(State())

    public init(base: any SandboxClock = SystemClock()) { self.base = base }

    public func now() -> Date {
        state.withLock { $0.frozen ?? base.now().addingTimeInterval($0.offset) }
    }

    /// Freezes time at `date`.
    public func set(_ date: Date) { state.withLock { $0.frozen = date } }

    /// Moves time forward (or back, with a negative value), frozen or not.
    public func advance(by seconds: TimeInterval) {
        state.withLock { state in
            if let frozen = state.frozen { state.frozen = frozen.addingTimeInterval(seconds) } else { state.offset += seconds }
        }
    }

    /// Runs in real time shifted by `seconds`.
    public func setOffset(_ seconds: TimeInterval) {
        state.withLock {
            $0.frozen = nil
            $0.offset = seconds
        }
    }

    /// Back to real time.
    public func reset() { state.withLock { $0 = State() } }

    public var snapshot: VirtualClockState {
        state.withLock { VirtualClockState(mode: $0.frozen == nil ? "real" : "frozen", offsetSeconds: $0.offset, now: $0.frozen ?? base.now().addingTimeInterval($0.offset)) }
    }
}

/// What `GET …/lab/clock` reports.
public struct VirtualClockState: Codable, Sendable {
    public let mode: String
    public let offsetSeconds: TimeInterval
    public let now: Date
}
