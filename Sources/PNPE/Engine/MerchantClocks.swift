import HTTPTypes
import Foundation
import SandboxCore
import Synchronization

/// Each merchant's own clock (reference §4.7): `real` time (with an offset left by earlier advances) for
/// demonstrations, or `virtual` time, frozen until a test advances it. Delays, expiries, webhook retries
/// and settlement all read it, so one trainee's time travel never disturbs another's. Kept in SQLite so a
/// restart resumes at the same virtual time.
final class MerchantClocks: Sendable {
    struct State: Sendable, Equatable {
        var mode: Mode
        var offsetMilliseconds: Int64
        var frozenAt: Int64?
    }

    enum Mode: String, Sendable, Codable {
        case real
        case virtual
    }

    let base: any SandboxClock
    private let database: Database
    private let cache = Mutex<[String: State]>([:])

    /// Loads every stored clock once: reading the time must never touch the database, because it is
    /// read inside transactions (which hold the database's lock).
    init(base: any SandboxClock, database: Database) throws {
        self.base = base
        self.database = database
        var states: [String: State] = [:]
        for row in try database.query("SELECT merchant_id, mode, offset_ms, frozen_ms FROM clocks", []) {
            states[try row.string("merchant_id")] = State(
                mode: Mode(rawValue: row.optionalString("mode") ?? "") ?? .real, offsetMilliseconds: row.optionalInt("offset_ms") ?? 0,
                frozenAt: row.optionalInt("frozen_ms"))
        }
        cache.withLock { $0 = states }
    }

    /// A merchant without a stored clock runs on real time.
    func state(_ merchantID: String) throws -> State {
        cache.withLock { $0[merchantID] } ?? State(mode: .real, offsetMilliseconds: 0, frozenAt: nil)
    }

    /// The merchant's present time, in whole seconds.
    func now(_ merchantID: String) throws -> Date {
        let state = try state(merchantID)
        if state.mode == .virtual, let frozen = state.frozenAt { return Date(milliseconds: frozen).wholeSeconds }
        return base.now().addingTimeInterval(Double(state.offsetMilliseconds) / 1000).wholeSeconds
    }

    private func save(_ merchantID: String, _ state: State) throws {
        try database.execute(
            "INSERT INTO clocks (merchant_id, mode, offset_ms, frozen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (merchant_id) DO UPDATE SET mode = excluded.mode, offset_ms = excluded.offset_ms, frozen_ms = excluded.frozen_ms",
            [.text(merchantID), .text(state.mode.rawValue), .integer(state.offsetMilliseconds), state.frozenAt.map { .integer($0) } ?? .null])
        cache.withLock { $0[merchantID] = state }
    }

    /// Switches mode keeping the present time: virtual freezes now, real resumes from the frozen time.
    func setMode(_ merchantID: String, _ mode: Mode) throws {
        let now = try self.now(merchantID)
        switch mode {
        case .virtual: try save(merchantID, State(mode: .virtual, offsetMilliseconds: 0, frozenAt: now.milliseconds))
        case .real: try save(merchantID, State(mode: .real, offsetMilliseconds: now.milliseconds - base.now().milliseconds, frozenAt: nil))
        }
    }

    /// Moves the merchant's time to `date` (forward only), keeping the mode.
    func move(_ merchantID: String, to date: Date) throws {
        let state = try state(merchantID)
        guard date > (try now(merchantID)) else { return }
        switch state.mode {
        case .virtual: try save(merchantID, State(mode: .virtual, offsetMilliseconds: 0, frozenAt: date.milliseconds))
        case .real: try save(merchantID, State(mode: .real, offsetMilliseconds: date.milliseconds - base.now().milliseconds, frozenAt: nil))
        }
    }

    /// Back to real time without offset (test-helper reset).
    func reset(_ merchantID: String) throws {
        try save(merchantID, State(mode: .real, offsetMilliseconds: 0, frozenAt: nil))
    }
}
