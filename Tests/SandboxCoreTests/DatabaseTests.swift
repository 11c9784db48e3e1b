import Foundation
import SandboxCore
import SandboxTesting
import Testing

@Suite("SQLite database")
struct DatabaseTests {
    static let schema = [
        Migration(version: 1, sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, data BLOB);"),
        Migration(version: 2, sql: "ALTER TABLE items ADD COLUMN weight REAL; CREATE INDEX items_by_weight ON items (weight);"),
    ]

    @Test func migrationsRunOnceAndDataSurvivesReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("nested/dir/test.sqlite")
        do {
            let database = try Database(path: path, migrations: Self.schema)
            try database.execute("INSERT INTO items (name, data, weight) VALUES (?, ?, ?)", [.text("seal"), .blob([0, 1, 255]), .real(1.5)])
            #expect(try database.queryOne("PRAGMA user_version")?.int("user_version") == 2)
            #expect(try database.queryOne("PRAGMA journal_mode")?.string("journal_mode") == "wal")
        }
        let reopened = try Database(path: path, migrations: Self.schema)
        let row = try #require(try reopened.queryOne("SELECT * FROM items WHERE name = ?", [.text("seal")]))
        #expect(try row.blob("data") == [0, 1, 255])
        #expect(row["weight"] == .real(1.5))
        #expect(try reopened.query("SELECT * FROM items").count == 1)
    }

    /// With background checkpoints, the commit that takes the write-ahead log past 1,000 pages hands
    /// the copy to another thread; the pages still reach the database file, and nothing is lost.
    @Test func backgroundCheckpointsCopyTheLogIntoTheFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("busy.sqlite")
        let database = try Database(path: path, migrations: Self.schema, backgroundCheckpoints: true)
        let page = [UInt8](repeating: 7, count: 4_000)
        for index in 0..<1_200 {
            try database.transaction { try $0.execute("INSERT INTO items (name, data) VALUES (?, ?)", [.text("n\(index)"), .blob(page)]) }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        func fileSize() -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        while fileSize() < 1_000_000, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(fileSize() >= 1_000_000, "the log was not checkpointed into the file")
        await database.checkpoint()
        #expect(try database.queryOne("SELECT count(*) AS n FROM items")?.int("n") == 1_200)
    }

    /// Past 10,000 pages of log the committing connection checkpoints itself; a background checkpoint
    /// running at that moment makes that one answer "busy", which must not fail the commit.
    @Test func commitsPastTheInlineBoundStillSucceed() async throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.path("big.sqlite"), migrations: Self.schema, backgroundCheckpoints: true)
        let page = [UInt8](repeating: 1, count: 8_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<1_600 {
                        try database.transaction { try $0.execute("INSERT INTO items (name, data) VALUES (?, ?)", [.text("w\(writer)-\(index)"), .blob(page)]) }
                    }
                }
            }
            group.addTask { for _ in 0..<20 { await database.checkpoint() } }
            try await group.waitForAll()
        }
        #expect(try database.queryOne("SELECT count(*) AS n FROM items")?.int("n") == 6_400)
    }

    /// A larger page cache where asked (the message logs), SQLite's default elsewhere.
    @Test func theCacheSizeIsTheOneAskedFor() throws {
        let directory = try TemporaryDirectory("db")
        let larger = try Database(path: directory.file("larger.sqlite").path, migrations: Self.schema, backgroundCheckpoints: true, cacheMiB: 16)
        #expect(try larger.queryOne("PRAGMA cache_size")?.int("cache_size") == -16 * 1024)
        let plain = try Database(path: directory.file("plain.sqlite").path, migrations: Self.schema)
        #expect(try plain.queryOne("PRAGMA cache_size")?.int("cache_size") == -2000)
    }

    @Test func aDatabaseFromANewerVersionIsRefusedAndLeftAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("test.sqlite")
        _ = try Database(path: path, migrations: Self.schema + [Migration(version: 3, sql: "CREATE TABLE later (x INTEGER);")])
        let error = try #require(throws: DatabaseError.self) { try Database(path: path, migrations: Self.schema) }
        #expect(error.message.contains("newer"))
        let again = try Database(path: path, migrations: Self.schema + [Migration(version: 3, sql: "CREATE TABLE later (x INTEGER);")])
        #expect(try again.queryOne("PRAGMA user_version")?.int("user_version") == 3)
    }

    @Test func aFailingMigrationLeavesTheVersionUnchanged() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("test.sqlite")
        _ = try Database(path: path, migrations: [Self.schema[0]])
        #expect(throws: DatabaseError.self) {
            try Database(path: path, migrations: [Self.schema[0], Migration(version: 2, sql: "CREATE TABLE ok (x); THIS IS NOT SQL;")])
        }
        let database = try Database(path: path, migrations: [Self.schema[0]])
        #expect(try database.queryOne("PRAGMA user_version")?.int("user_version") == 1)
        #expect(try database.query("SELECT name FROM sqlite_master WHERE name = 'ok'").isEmpty)
    }

    @Test func transactionsRollBackWhenTheBodyThrows() throws {
        let database = try Database.inMemory(migrations: Self.schema)
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try database.transaction { transaction in
                try transaction.execute("INSERT INTO items (name) VALUES ('a')")
                throw Abort()
            }
        }
        #expect(try database.query("SELECT * FROM items").isEmpty)
        let id = try database.transaction { transaction in
            try transaction.execute("INSERT INTO items (name) VALUES ('b')")
            return transaction.lastInsertRowID
        }
        #expect(id == 1)
    }

    @Test func constraintViolationsAreRecognisable() throws {
        let database = try Database.inMemory(migrations: Self.schema)
        try database.execute("INSERT INTO items (name) VALUES ('x')")
        let error = try #require(throws: DatabaseError.self) { try database.execute("INSERT INTO items (name) VALUES ('x')") }
        #expect(error.isConstraintViolation)
        let syntax = try #require(throws: DatabaseError.self) { try database.execute("SELEC nonsense") }
        #expect(!syntax.isConstraintViolation)
        #expect(syntax.sql == "SELEC nonsense")
    }

    @Test func preparedStatementsAreReusedWithFreshBindings() throws {
        let database = try Database.inMemory(migrations: Self.schema)
        for index in 0..<20 { try database.execute("INSERT INTO items (name, weight) VALUES (?, ?)", [.text("n\(index)"), .real(Double(index))]) }
        for index in [3, 17, 0] {
            let row = try database.queryOne("SELECT name FROM items WHERE weight = ?", [.real(Double(index))])
            #expect(try row?.string("name") == "n\(index)")
        }
        #expect(try database.queryOne("SELECT name FROM items WHERE weight = ?", [.real(99)]) == nil)
    }

    @Test func typedGettersNameTheColumnOnMismatch() throws {
        let database = try Database.inMemory(migrations: Self.schema)
        try database.execute("INSERT INTO items (name) VALUES ('x')")
        let row = try #require(try database.queryOne("SELECT name, weight FROM items"))
        let error = try #require(throws: DatabaseError.self) { try row.int("name") }
        #expect(error.message.contains("name"))
        #expect(row.optionalInt("weight") == nil)
        #expect(row.optionalString("name") == "x")
    }

    @Test func concurrentWritersAreSerialised() async throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.path("concurrent.sqlite"), migrations: Self.schema)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try database.transaction { transaction in
                        try transaction.execute("INSERT INTO items (name) VALUES (?)", [.text("item-\(index)")])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try database.queryOne("SELECT COUNT(*) AS count FROM items")?.int("count") == 200)
    }
}
