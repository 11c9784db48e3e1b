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
    private let connection: Mutex<Connection>
    public let path: String

    /// Opens or creates the database, then applies the migrations it has not seen yet.
    /// - Throws: ``DatabaseError``, or when the file was written by a newer version of the sandbox.
    public init(path: String, migrations: [Migration]) throws {
        if path != ":memory:" {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        let connection = try Connection(path: path)
        try connection.migrate(migrations)
        self.connection = Mutex(connection)
        self.path = path
    }

    /// A private in-memory database, for tests.
    public static func inMemory(migrations: [Migration]) throws -> Database {
        try Database(path: ":memory:", migrations: migrations)
    }

    public func execute(_ sql: String, _ bindings: [SQLValue] = []) throws {
        try connection.withLock { _ = try $0.run(sql, bindings) }
    }

    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        try connection.withLock { try $0.run(sql, bindings) }
    }

    public func queryOne(_ sql: String, _ bindings: [SQLValue] = []) throws -> Row? {
        try query(sql, bindings).first
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, rolled back if it throws. The ``Transaction`` is
    /// valid only inside `body`.
    public func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try connection.withLock { connection in
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
