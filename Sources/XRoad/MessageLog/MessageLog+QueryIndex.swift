import Dispatch
import Foundation
import SandboxCore
import Synchronization

/// Finding an exchange's records by its query id (`/asic`, `sandbox xroad verify-asic`).
///
/// Query ids are random, so an index on them that every append updated had a random page of it written
/// in each commit, a third of the cost of a write. The log is instead indexed in batches, once
/// ``indexBatchSize`` records are waiting (in the background) and when it is opened. Each batch is a
/// segment of `query_index` of its own, sorted by query id and written after the previous ones, so a batch
/// writes a few consecutive pages whatever the log's size. A lookup seeks the query id in each segment
/// (a few microseconds each: a thousand segments for a million records) and scans the records written
/// since the last batch.
extension MessageLog {
    /// Records written before a batch of the index is taken.
    static let indexBatchSize = 1024

    /// Records of one exchange, oldest first.
    public func records(queryID: String, client: XRoadClientID) throws -> [Record] {
        let filter = "query_id = ?1 AND member_class = ?2 AND member_code = ?3 AND subsystem_code IS ?4"
        return try database.query(
            """
            SELECT * FROM records WHERE id IN (
                SELECT record_id FROM query_index WHERE batch IN (SELECT id FROM query_index_batches) AND query_id = ?1
            ) AND \(filter)
            UNION ALL
            SELECT * FROM records WHERE id > (SELECT coalesce(max(indexed_through), 0) FROM query_index_batches) AND \(filter)
            ORDER BY id
            """,
            [.text(queryID), .text(client.memberClass), .text(client.memberCode), client.subsystemCode.map { .text($0) } ?? .null]
        ).map(Self.record)
    }

    /// Indexes the records written since the last batch as a new batch, in one transaction.
    func indexPending() throws {
        try database.transaction { transaction in
            let through = try transaction.queryOne("SELECT coalesce(max(indexed_through), 0) AS id FROM query_index_batches").map { try $0.int("id") } ?? 0
            let last = try transaction.queryOne("SELECT max(id) AS id FROM records")?.optionalInt("id") ?? through
            if last > through {
                try transaction.execute("INSERT INTO query_index_batches (indexed_through) VALUES (?)", [.integer(last)])
                try transaction.execute(
                    """
                    INSERT INTO query_index (batch, query_id, record_id)
                    SELECT last_insert_rowid(), query_id, id FROM records WHERE id > ? AND id <= ? ORDER BY query_id, id
                    """,
                    [.integer(through), .integer(last)])
            }
            // Appends count under the same lock as this transaction, so none is counted twice or missed.
            unindexed.withLock { $0.count = 0 }
        }
    }

    /// Counts `added` records and, past ``indexBatchSize``, indexes them on a thread of its own. Called
    /// inside the appending transaction, so that the count and ``indexPending()`` see appends in one order.
    func indexInBackgroundIfDue(added: Int) {
        let start = unindexed.withLock { state -> Bool in
            state.count += added
            guard state.count >= Self.indexBatchSize, !state.indexing else { return false }
            state.indexing = true
            return true
        }
        guard start else { return }
        DispatchQueue.global(qos: .utility).async { [self] in
            // A failed batch is retried with the next one; lookups scan what is not indexed meanwhile.
            try? indexPending()
            unindexed.withLock { $0.indexing = false }
        }
    }
}
