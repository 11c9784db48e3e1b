import Foundation
import SandboxCore
import SandboxTesting
import Testing
@testable import XRoad

@Suite("Message log: records found by query id, indexed in batches")
struct MessageLogQueryIndexTests {
    let client = try! XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")

    func entry(_ queryID: String, response: Bool = false) -> MessageLog.Entry {
        MessageLog.Entry(
            queryID: queryID, requestID: "r", isResponse: response, client: client, provider: client, service: "S", message: [1], attachment: nil,
            manifest: [2], signature: Array("signature \(queryID) \(response)".utf8), status: nil)
    }

    /// Index entries, batches, and the last record indexed.
    func indexed(_ log: MessageLog) throws -> (entries: Int64, batches: Int64, through: Int64) {
        (try log.database.queryOne("SELECT count(*) AS n FROM query_index")?.int("n") ?? -1,
         try log.database.queryOne("SELECT count(*) AS n FROM query_index_batches")?.int("n") ?? -1,
         try log.database.queryOne("SELECT coalesce(max(indexed_through), 0) AS n FROM query_index_batches")?.int("n") ?? -1)
    }

    @Test func recordsAreFoundBeforeAndAfterTheirBatchIsIndexed() throws {
        let directory = try TemporaryDirectory("log")
        let log = try MessageLog(url: directory.file("messagelog.sqlite"), clock: SystemClock())
        try log.append(entry("q1"))
        try log.append(entry("q2"))
        try log.append(entry("q1", response: true))
        #expect(try indexed(log) == (0, 0, 0), "three records stay below the batch size")
        #expect(try log.records(queryID: "q1", client: client).map(\.id) == [1, 3], "found by scanning the unindexed records")

        try log.indexPending()
        #expect(try indexed(log) == (3, 1, 3))
        try log.append(entry("q2", response: true))
        try log.append(entry("q5"))
        try log.indexPending()
        try log.indexPending()
        #expect(try indexed(log) == (5, 2, 5), "a second batch, and nothing for an empty one")
        try log.append(entry("q2", response: true))
        // Records from both batches and from the scan, each once, in order.
        #expect(try log.records(queryID: "q2", client: client).map(\.id) == [2, 4, 6])
        #expect(try log.records(queryID: "q1", client: client).map(\.entry.isResponse) == [false, true])
        #expect(try log.records(queryID: "q3", client: client).isEmpty)
        let other = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/OTHER")
        #expect(try log.records(queryID: "q1", client: other).isEmpty, "the client is part of the lookup")
    }

    @Test func aFullBatchIsIndexedInTheBackground() async throws {
        let directory = try TemporaryDirectory("log")
        let log = try MessageLog(url: directory.file("messagelog.sqlite"), clock: SystemClock())
        for index in 0..<MessageLog.indexBatchSize { try await log.append(entry("q\(index)")) }
        let deadline = ContinuousClock.now + .seconds(10)
        while try indexed(log).through < Int64(MessageLog.indexBatchSize), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try indexed(log) == (Int64(MessageLog.indexBatchSize), 1, Int64(MessageLog.indexBatchSize)))
        #expect(try log.records(queryID: "q17", client: client).map(\.id) == [18])
    }

    @Test func aLogOfTheFirstSchemaIsMigratedWithItsRecordsIndexedAndStampsKept() throws {
        let directory = try TemporaryDirectory("log")
        let url = directory.file("messagelog.sqlite")
        do {
            // The first schema (per-record indexes, AUTOINCREMENT): two stamped records, then one not.
            let old = try Database(path: url.path, migrations: [MessageLog.migrations[0]])
            try old.execute("INSERT INTO timestamps (id, created_at, token, hash_chain) VALUES (1, 0, X'30', X'3c')")
            for (queryID, stamp) in [("old-1", "1"), ("old-1", "1"), ("old-2", "NULL")] {
                try old.execute(
                    """
                    INSERT INTO records (query_id, x_request_id, response, client, member_class, member_code, subsystem_code, service, created_at,
                        message, manifest, signature, signature_hash, previous_hash, record_hash, timestamp_id)
                    VALUES (?, 'r', 0, ?, 'GOV', 'ARCEP', 'AGREMENT-FAI', 'S', 0, X'01', X'02', X'03', 'h', 'p', 'r', \(stamp))
                    """, [.text(queryID), .text(client.headerValue)])
            }
        }
        let log = try MessageLog(url: url, clock: SystemClock())
        #expect(try indexed(log) == (3, 1, 3))
        #expect(try log.records(queryID: "old-1", client: client).map(\.id) == [1, 2])
        #expect(try log.records(queryID: "old-1", client: client).map(\.timestampID) == [1, 1])
        #expect(try log.records(queryID: "old-2", client: client).map(\.timestampID) == [nil])
        #expect(try log.records(queryID: "old-1", client: client).allSatisfy { $0.entry.batchManifest == nil }, "signed alone")
        // Only the unstamped record is left for the next batch, and new ids follow the old ones.
        #expect(try log.database.queryOne("SELECT stamped_through FROM log_state")?.int("stamped_through") == 2)
        #expect(try log.append(entry("new-1")) == 4)
        let indexes = try log.database.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'")
        #expect(indexes.isEmpty, "no index is written record by record")
    }
}
