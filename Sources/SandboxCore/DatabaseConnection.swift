import CSQLite
import Foundation

/// `SQLITE_TRANSIENT`: SQLite copies bound values before the call returns. A C macro, not imported.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection with its cache of prepared statements. Not thread-safe by itself: ``Database``
/// guards it with a mutex.
final class Connection {
    let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw DatabaseError(message: "cannot open \(path): \(message)", code: SQLITE_CANTOPEN, sql: nil)
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 5000)
        try execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs a script of several statements with no bindings.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw DatabaseError(message: text, code: sqlite3_extended_errcode(handle), sql: sql)
        }
    }

    /// Applies pending migrations, tracking the schema version in `PRAGMA user_version`.
    func migrate(_ migrations: [Migration]) throws {
        let current = try run("PRAGMA user_version", []).first.flatMap { $0.optionalInt("user_version") } ?? 0
        let newest = migrations.map(\.version).max() ?? 0
        guard current <= newest else {
            throw DatabaseError(
                message: "the database is at schema version \(current), newer than this sandbox knows (\(newest)); use a newer sandbox or another --data-dir",
                code: SQLITE_ERROR, sql: nil)
        }
        for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
            try execute("BEGIN IMMEDIATE")
            do {
                try execute(migration.sql)
                try execute("PRAGMA user_version = \(migration.version)")
                try execute("COMMIT")
            } catch {
                try? execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs one statement (prepared once, then reused) and returns its rows.
    func run(_ sql: String, _ bindings: [SQLValue]) throws -> [Row] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in bindings.enumerated() {
            let position = Int32(index + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(statement, position)
            case .integer(let number): result = sqlite3_bind_int64(statement, position, number)
            case .real(let number): result = sqlite3_bind_double(statement, position, number)
            case .text(let text): result = sqlite3_bind_text(statement, position, text, -1, transient)
            case .blob(let bytes):
                result = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), transient) }
            }
            guard result == SQLITE_OK else { throw error(sql) }
        }
        var rows: [Row] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: rows.append(row(statement))
            case SQLITE_DONE: return rows
            default: throw error(sql)
            }
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw error(sql)
        }
        statements[sql] = statement
        return statement
    }

    private func row(_ statement: OpaquePointer) -> Row {
        var values: [String: SQLValue] = [:]
        for column in 0..<sqlite3_column_count(statement) {
            let name = String(cString: sqlite3_column_name(statement, column))
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: values[name] = .integer(sqlite3_column_int64(statement, column))
            case SQLITE_FLOAT: values[name] = .real(sqlite3_column_double(statement, column))
            case SQLITE_TEXT: values[name] = .text(String(cString: sqlite3_column_text(statement, column)))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(statement, column))
                let bytes = sqlite3_column_blob(statement, column).map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
                values[name] = .blob(bytes)
            default: values[name] = .null
            }
        }
        return Row(values: values)
    }

    private func error(_ sql: String) -> DatabaseError {
        DatabaseError(message: String(cString: sqlite3_errmsg(handle)), code: sqlite3_extended_errcode(handle), sql: sql)
    }
}
