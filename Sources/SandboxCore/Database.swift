import CSQLite
import Foundation
import Synchronization

/// A versioned schema change. `sql` may hold several statements; it runs in one transaction.
public struct Migration: Sendable {
    public let version: Int
    public let sql: String
    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}

/// A value bound to or read from SQLite.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A failed SQLite call, with SQLite's own message and the statement that failed.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let code: Int32
    public let sql: String?

    /// A UNIQUE, CHECK, NOT NULL or foreign-key violation: usually a client conflict (409), not a bug.
    public var isConstraintViolation: Bool { code & 0xFF == SQLITE_CONSTRAINT }

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in: \($0.prefix(200))" } ?? "")
    }
}

/// One result row, by column name.
public struct Row: Sendable {
    let values: [String: SQLValue]

    public subscript(_ column: String) -> SQLValue { values[column] ?? .null }

    public func int(_ column: String) throws -> Int64 {
        guard case .integer(let value) = self[column] else { throw mismatch(column, "an integer") }
        return value
    }

    public func string(_ column: String) throws -> String {
        guard case .text(let value) = self[column] else { throw mismatch(column, "text") }
        return value
    }

    public func blob(_ column: String) throws -> [UInt8] {
        switch self[column] {
        case .blob(let value): return value
        case .text(let value): return Array(value.utf8)
        default: throw mismatch(column, "a blob")
        }
    }

    public func optionalInt(_ column: String) -> Int64? { if case .integer(let value) = self[column] { value } else { nil } }
    public func optionalString(_ column: String) -> String? { if case .text(let value) = self[column] { value } else { nil } }
    public func optionalBlob(_ column: String) -> [UInt8]? { try? blob(column) }

    private func mismatch(_ column: String, _ expected: String) -> DatabaseError {
        DatabaseError(message: "column \(column) is not \(expected) (\(self[column]))", code: SQLITE_MISMATCH, sql: nil)
    }
}

/// SQLite, safe to use from concurrent async code: one connection, every call serialised by a mutex.
/// Calls are short (prepared statements, WAL journal), so a mutex costs less than hopping to an actor.
/// Each building block owns one such file in the data directory; no block opens another's.
public final class Database: Sendable {
    /// Guards `connection`. The standard library's `Mutex` (a priority-inheritance futex on Linux) served
    /// both benchmarks better than a plain `pthread_mutex` did.
    private let lock = Mutex(())
    /// Touched only under `lock`.
    private nonisolated(unsafe) let connection: Connection
    public let path: String
    /// A second connection that only checkpoints, when checkpoints run in the background.
    private let checkpointer: Checkpointer?

    /// Opens or creates the database, then applies the migrations it has not seen yet.
    /// - Parameter backgroundCheckpoints: for files written on a hot path. By default SQLite copies the
    ///   write-ahead log into the file (a checkpoint, ending with an fsync) inside the commit that takes
    ///   the log past 1,000 pages, while every other writer waits. With this, that commit only starts a
    ///   passive checkpoint on a thread of its own; a commit checkpoints itself only past 10,000 pages,
    ///   if the background ones cannot keep up.
    /// - Parameter cacheMiB: the connection's page cache, when SQLite's 2 MiB default is too small for the
    ///   pages a hot path keeps returning to.
    /// - Throws: ``DatabaseError``, or when the file was written by a newer version of the sandbox.
    public init(path: String, migrations: [Migration], backgroundCheckpoints: Bool = false, cacheMiB: Int? = nil) throws {
        if path != ":memory:" {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        let connection = try Connection(path: path)
        // A negative size is in KiB; pages are allocated as they are used, never ahead.
        if let cacheMiB { try connection.execute("PRAGMA cache_size = -\(max(1, cacheMiB) * 1024)") }
        try connection.migrate(migrations)
        if backgroundCheckpoints && path != ":memory:" {
            let checkpointer = Checkpointer(connection: try Connection(path: path))
            checkpointer.watch(connection)
            self.checkpointer = checkpointer
        } else {
            checkpointer = nil
        }
        self.connection = connection
        self.path = path
    }

    /// Copies the write-ahead log into the file now, on a thread of its own, without waiting for readers
    /// or writers (a passive checkpoint). Nothing happens without background checkpoints.
    public func checkpoint() async {
        guard let checkpointer else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                checkpointer.run()
                done.resume()
            }
        }
    }

    /// A private in-memory database, for tests.
    public static func inMemory(migrations: [Migration]) throws -> Database {
        try Database(path: ":memory:", migrations: migrations)
    }

    public func execute(_ sql: String, _ bindings: [SQLValue] = []) throws {
        try withConnection { _ = try $0.run(sql, bindings) }
    }

    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        try withConnection { try $0.run(sql, bindings) }
    }

    public func queryOne(_ sql: String, _ bindings: [SQLValue] = []) throws -> Row? {
        try query(sql, bindings).first
    }

    private func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        try lock.withLock { _ in try body(connection) }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, rolled back if it throws. The ``Transaction`` is
    /// valid only inside `body`.
    public func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try withConnection { connection in
            _ = try connection.run("BEGIN IMMEDIATE", [])
            do {
                let result = try body(Transaction(connection: connection))
                _ = try connection.run("COMMIT", [])
                return result
            } catch {
                _ = try? connection.run("ROLLBACK", [])
                throw error
            }
        }
    }
}

/// The statements available inside ``Database/transaction(_:)``; do not keep it beyond the closure.
public struct Transaction {
    let connection: Connection

    public func execute(_ sql: String, _ bindings: [SQLValue] = []) throws { _ = try connection.run(sql, bindings) }
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] { try connection.run(sql, bindings) }
    public func queryOne(_ sql: String, _ bindings: [SQLValue] = []) throws -> Row? { try query(sql, bindings).first }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(connection.handle) }
}

/// Runs passive checkpoints on its own connection, away from the lock writers take.
private final class Checkpointer: Sendable {
    /// SQLite's own threshold for an automatic checkpoint.
    static let backgroundPages: Int32 = 1_000
    /// Past this, the committing connection checkpoints itself, as a bound on the log's size.
    static let inlinePages: Int32 = 10_000
    private let lock = Mutex(())
    /// Touched only under `lock`.
    private nonisolated(unsafe) let connection: Connection
    private let running = Mutex(false)

    init(connection: Connection) { self.connection = connection }

    func run() {
        lock.withLock { _ in _ = try? connection.run("PRAGMA wal_checkpoint(PASSIVE)", []) }
    }

    /// Replaces the writer's automatic checkpoints with a hook that SQLite calls after each commit with
    /// the number of pages in the log. The writer keeps the checkpointer alive: the hook holds it
    /// unretained.
    func watch(_ writer: Connection) {
        sqlite3_wal_hook(
            writer.handle,
            { context, handle, name, pages in
                guard let context else { return SQLITE_OK }
                if pages >= Checkpointer.inlinePages {
                    // As SQLite's own hook does, the outcome is ignored: a checkpoint already running
                    // in the background answers SQLITE_BUSY, and the commit has succeeded either way.
                    _ = sqlite3_wal_checkpoint_v2(handle, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                    return SQLITE_OK
                }
                if pages >= Checkpointer.backgroundPages {
                    Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().startInBackground()
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    private func startInBackground() {
        let start = running.withLock { running -> Bool in
            defer { running = true }
            return !running
        }
        guard start else { return }
        DispatchQueue.global(qos: .utility).async { [self] in
            run()
            running.withLock { $0 = false }
        }
    }
}
