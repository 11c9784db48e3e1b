import Synchronization

/// Values worked out once from their key and kept, in a table that is emptied when it reaches ``limit``.
///
/// For hot paths that keep meeting the same few keys (the identifiers of an exchange, the certificate a
/// connection presents): a lookup costs a hash, and a stream of distinct (or hostile) keys costs memory
/// for a moment, never for good. Callers remember only what they worked out successfully, so a failure
/// is always produced afresh, with its own message.
public final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let limit: Int
    private let entries = Mutex<[Key: Value]>([:])

    public init(limit: Int = 1_024) { self.limit = max(1, limit) }

    public func value(for key: Key) -> Value? { entries.withLock { $0[key] } }

    public func remember(_ value: Value, for key: Key) {
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
