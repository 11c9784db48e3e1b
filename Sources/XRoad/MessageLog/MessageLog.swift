import Foundation
import SandboxCore
import SandboxCrypto
import Synchronization

/// A security server's message log (UG-SS §11, data model `logrecord`): every request and response it
/// signed or verified, with the signature, in its own SQLite file. Records are linked by a hash chain —
/// each record's hash covers the previous one's and its signature's — so that a changed or removed record
/// shows; batches of records are then time-stamped by the PKI's TSA (see ``MessageLogTimestamper``).
public final class MessageLog: Sendable {
    public struct Entry: Sendable {
        public let queryID: String
        public let requestID: String
        public let isResponse: Bool
        public let client: XRoadClientID
        /// The provider subsystem (for SOAP, REST and metaservices alike).
        public let provider: XRoadClientID
        public let service: String
        /// The REST request/response part or the SOAP message.
        public let message: [UInt8]
        /// The REST body; nil when empty or when the client's records keep metadata only.
        public let attachment: [UInt8]?
        public let manifest: [UInt8]
        /// The document a batch signature signs (it lists ``manifest``'s digest); nil for a message signed alone.
        public let batchManifest: [UInt8]?
        /// The signature of ``manifest``, or of ``batchManifest``: the messages of a batch share it.
        public let signature: [UInt8]
        public let status: Int?

        public init(
            queryID: String, requestID: String, isResponse: Bool, client: XRoadClientID, provider: XRoadClientID, service: String, message: [UInt8],
            attachment: [UInt8]?, manifest: [UInt8], batchManifest: [UInt8]? = nil, signature: [UInt8], status: Int?
        ) {
            self.queryID = queryID
            self.requestID = requestID
            self.isResponse = isResponse
            self.client = client
            self.provider = provider
            self.service = service
            self.message = message
            self.attachment = attachment
            self.manifest = manifest
            self.batchManifest = batchManifest
            self.signature = signature
            self.status = status
        }
    }

    public struct Record: Sendable {
        public let id: Int64
        public let entry: Entry
        public let createdAt: Date
        public let signatureHash: String
        public let previousHash: String
        public let recordHash: String
        public let timestampID: Int64?
    }

    let database: Database
    let clock: any SandboxClock
    /// Clients whose message bodies are not kept (metadata-only logging).
    let metadataOnly: Set<XRoadClientID>
    /// The last record's hash, once read: every append needs it. Changed only inside the append's
    /// transaction, so appends see each other's in order.
    private let chainHead = Mutex<String?>(nil)
    /// Records waiting for the next group commit, and whether a commit is under way.
    private let group = Mutex<(pending: [(Entry, CheckedContinuation<Int64, any Error>)], writing: Bool)>(([], false))
    /// Records written since the last batch of the query index, and whether a batch is under way.
    let unindexed = Mutex<(count: Int, indexing: Bool)>((0, false))

    static let migrations = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE records (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    query_id TEXT NOT NULL,
                    x_request_id TEXT NOT NULL,
                    response INTEGER NOT NULL,
                    client TEXT NOT NULL,
                    member_class TEXT NOT NULL,
                    member_code TEXT NOT NULL,
                    subsystem_code TEXT,
                    service TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    message BLOB NOT NULL,
                    attachment BLOB,
                    manifest BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    signature_hash TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    record_hash TEXT NOT NULL,
                    status INTEGER,
                    timestamp_id INTEGER REFERENCES timestamps(id)
                );
                CREATE INDEX records_by_query ON records (query_id, member_class, member_code, subsystem_code);
                CREATE INDEX records_unstamped ON records (timestamp_id) WHERE timestamp_id IS NULL;
                CREATE TABLE timestamps (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at INTEGER NOT NULL,
                    token BLOB NOT NULL,
                    hash_chain BLOB NOT NULL
                );
                """),
        // Each record used to update two indexes and AUTOINCREMENT's counter: three pages written per
        // commit besides the record's own, one of them at a random place (query ids are random). The
        // records are now indexed by query id in batches (`MessageLog+QueryIndex.swift`), the unstamped
        // ones are those after `log_state.stamped_through`, and ids come from the last record's (records
        // are never deleted).
        Migration(
            version: 2,
            sql: """
                CREATE TABLE records_v2 (
                    id INTEGER PRIMARY KEY,
                    query_id TEXT NOT NULL,
                    x_request_id TEXT NOT NULL,
                    response INTEGER NOT NULL,
                    client TEXT NOT NULL,
                    member_class TEXT NOT NULL,
                    member_code TEXT NOT NULL,
                    subsystem_code TEXT,
                    service TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    message BLOB NOT NULL,
                    attachment BLOB,
                    manifest BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    signature_hash TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    record_hash TEXT NOT NULL,
                    status INTEGER,
                    timestamp_id INTEGER REFERENCES timestamps(id)
                );
                INSERT INTO records_v2 SELECT * FROM records;
                DROP TABLE records;
                ALTER TABLE records_v2 RENAME TO records;
                CREATE TABLE log_state (stamped_through INTEGER NOT NULL);
                INSERT INTO log_state (stamped_through) SELECT coalesce(
                    (SELECT min(id) FROM records WHERE timestamp_id IS NULL) - 1, (SELECT max(id) FROM records), 0);
                CREATE TABLE query_index_batches (id INTEGER PRIMARY KEY, indexed_through INTEGER NOT NULL);
                CREATE TABLE query_index (
                    batch INTEGER NOT NULL,
                    query_id TEXT NOT NULL,
                    record_id INTEGER NOT NULL,
                    PRIMARY KEY (batch, query_id, record_id)
                ) WITHOUT ROWID;
                INSERT INTO query_index_batches (id, indexed_through) SELECT 1, max(id) FROM records HAVING count(*) > 0;
                INSERT INTO query_index (batch, query_id, record_id) SELECT 1, query_id, id FROM records;
                """),
        // Messages signed in a batch (X-Road's `hashchainresult` column): the document their shared
        // signature covers, which lists each one's manifest digest.
        Migration(version: 3, sql: "ALTER TABLE records ADD COLUMN batch_manifest BLOB;"),
    ]

    /// The first record's "previous" hash.
    static let genesis = String(repeating: "0", count: 64)

    public init(url: URL, clock: any SandboxClock, metadataOnly: Set<XRoadClientID> = []) throws {
        // Checkpoints (copying the write-ahead log into the file, with an fsync) run in the background
        // (and at each timestamping interval), so that exchanges do not wait for the disk. A record is
        // about a page; 16 MiB of cache keeps the last few thousand, which each batch of the query index
        // reads back, and the tree's right edge, where every append lands, out of the kernel's reads.
        database = try Database(path: url.path, migrations: Self.migrations, backgroundCheckpoints: true, cacheMiB: 16)
        self.clock = clock
        self.metadataOnly = metadataOnly
        try indexPending()
    }

    /// Appends a record at the end of the chain.
    @discardableResult
    public func append(_ entry: Entry) throws -> Int64 {
        try appendAll([entry])[0]
    }

    /// Appends a record, committed together with the records other exchanges are appending at the same
    /// moment (group commit): one transaction, and one write of the log's last pages, for all of them. The
    /// record is in the file when this returns, as with ``append(_:)``; if the transaction fails, every
    /// record of the group fails with it.
    @discardableResult
    public func append(_ entry: Entry) async throws -> Int64 {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Int64, any Error>) in
            let leads = group.withLock { group -> Bool in
                group.pending.append((entry, waiter))
                guard !group.writing else { return false }
                group.writing = true
                return true
            }
            // The commit runs as a task of its own, queued behind the work that is ready to run: under
            // load, the exchanges scheduled before it reach their own append and join the group, so one
            // commit serves several of them; alone, it runs at once.
            if leads { Task { self.commitGroups() } }
        }
    }

    /// Commits what is pending, group after group, until nothing is.
    private func commitGroups() {
        while true {
            let batch = group.withLock { group -> [(Entry, CheckedContinuation<Int64, any Error>)] in
                let batch = group.pending
                group.pending = []
                if batch.isEmpty { group.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let ids = try appendAll(batch.map(\.0))
                for (waiter, id) in zip(batch.map(\.1), ids) { waiter.resume(returning: id) }
            } catch {
                for (_, waiter) in batch { waiter.resume(throwing: error) }
            }
        }
    }

    /// Appends records in order, in one transaction.
    private func appendAll(_ entries: [Entry]) throws -> [Int64] {
        do {
            let ids = try database.transaction { transaction in
                var previous = try chainHead.withLock { $0 }
                    ?? transaction.queryOne("SELECT record_hash FROM records ORDER BY id DESC LIMIT 1").map { try $0.string("record_hash") } ?? Self.genesis
                var ids: [Int64] = []
                for entry in entries {
                    let signatureHash = Hex.encode(DigestAlgorithm.sha256.hash(entry.signature), uppercase: false)
                    // Metadata-only applies to the subsystems of this server, on either side of the exchange.
                    let keepBody = !metadataOnly.contains(entry.client) && !metadataOnly.contains(entry.provider)
                    let recordHash = Self.chain(previous: previous, signatureHash: signatureHash)
                    try transaction.execute(
                        """
                        INSERT INTO records (query_id, x_request_id, response, client, member_class, member_code, subsystem_code, service, created_at,
                            message, attachment, manifest, batch_manifest, signature, signature_hash, previous_hash, record_hash, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            .text(entry.queryID), .text(entry.requestID), .integer(entry.isResponse ? 1 : 0), .text(entry.client.headerValue),
                            .text(entry.client.memberClass), .text(entry.client.memberCode), entry.client.subsystemCode.map { .text($0) } ?? .null,
                            .text(entry.service), .integer(Int64(clock.now().timeIntervalSince1970 * 1000)),
                            .blob(keepBody ? entry.message : []), keepBody ? entry.attachment.map { .blob($0) } ?? .null : .null,
                            .blob(entry.manifest), entry.batchManifest.map { .blob($0) } ?? .null, .blob(entry.signature), .text(signatureHash),
                            .text(previous), .text(recordHash), entry.status.map { .integer(Int64($0)) } ?? .null,
                        ])
                    ids.append(transaction.lastInsertRowID)
                    previous = recordHash
                }
                chainHead.withLock { $0 = previous }
                indexInBackgroundIfDue(added: ids.count)
                return ids
            }
            return ids
        } catch {
            // The transaction rolled back: read the head from the file next time.
            chainHead.withLock { $0 = nil }
            throw error
        }
    }

    /// Copies the write-ahead log into the database file without waiting for readers or writers, on a
    /// thread of its own: the fsync it ends with stays off the event loops that serve exchanges.
    public func checkpoint() async { await database.checkpoint() }

    /// SHA-256 over the previous record's hash and this record's signature hash, in hex.
    static func chain(previous: String, signatureHash: String) -> String {
        Hex.encode(DigestAlgorithm.sha256.hash(Array((previous + "\n" + signatureHash).utf8)), uppercase: false)
    }

    /// The latest records, newest first.
    public func recent(limit: Int) throws -> [Record] {
        try database.query("SELECT * FROM records ORDER BY id DESC LIMIT ?", [.integer(Int64(max(1, min(limit, 1000))))]).map(Self.record)
    }

    /// Recomputes the chain from the first record; returns the id of the first record that breaks it.
    public func firstBrokenLink() throws -> Int64? {
        var previous = Self.genesis
        for row in try database.query("SELECT id, signature, previous_hash, record_hash FROM records ORDER BY id") {
            let signatureHash = Hex.encode(DigestAlgorithm.sha256.hash(try row.blob("signature")), uppercase: false)
            let expected = Self.chain(previous: previous, signatureHash: signatureHash)
            guard try row.string("previous_hash") == previous, try row.string("record_hash") == expected else { return try row.int("id") }
            previous = expected
        }
        return nil
    }

    static func record(_ row: Row) throws -> Record {
        let client = try XRoadClientID.parse(try row.string("client"))
        func optionalBlob(_ column: String) -> [UInt8]? { if case .blob(let bytes) = row[column] { bytes } else { nil } }
        let attachment = optionalBlob("attachment")
        return Record(
            id: try row.int("id"),
            entry: Entry(
                queryID: try row.string("query_id"), requestID: try row.string("x_request_id"), isResponse: try row.int("response") == 1,
                client: client, provider: (try? XRoadServiceID.parse(try row.string("service")))?.provider ?? client,
                service: try row.string("service"), message: try row.blob("message"), attachment: attachment,
                manifest: try row.blob("manifest"), batchManifest: optionalBlob("batch_manifest"), signature: try row.blob("signature"),
                status: row.optionalInt("status").map { Int($0) }),
            createdAt: Date(timeIntervalSince1970: Double(try row.int("created_at")) / 1000),
            signatureHash: try row.string("signature_hash"), previousHash: try row.string("previous_hash"),
            recordHash: try row.string("record_hash"), timestampID: row.optionalInt("timestamp_id"))
    }
}
