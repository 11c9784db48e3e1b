import Foundation
import SandboxCore
import SandboxCrypto

/// Batch time-stamping of the message log, as X-Road does it (`timestamp-immediately=false`, one RFC 3161
/// timestamp per batch): the unstamped records' signature hashes are listed in a hash-chain document, whose
/// SHA-256 the PKI's TSA stamps over HTTP. A record is then proven to exist at the token's time by: its
/// signature's SHA-256 is in the document, and the token covers the document (`openssl ts -verify -data`).
public struct MessageLogTimestamper: Sendable {
    public let log: MessageLog
    /// The PKI's RFC 3161 endpoint, `…/pki/v1/tsa`.
    public let tsaURL: String

    public init(log: MessageLog, tsaURL: String) {
        self.log = log
        self.tsaURL = tsaURL
    }

    /// Stamps every unstamped record (up to 10 000, X-Road's `timestamp-records-limit`); returns how many.
    @discardableResult
    public func stampPending() async throws -> Int {
        // Batches stamp the oldest records first, so the unstamped ones are those after the last batch.
        let pending = try log.database.query(
            "SELECT id, query_id, response, signature_hash FROM records WHERE id > (SELECT stamped_through FROM log_state) ORDER BY id LIMIT 10000")
        guard !pending.isEmpty else { return 0 }
        var document = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<hashChain xmlns="urn:interop-sandbox:message-log" algorithm="SHA-256">"# + "\n"
        for row in pending {
            document += #"  <record id="\#(try row.int("id"))" queryId="\#(try row.string("query_id").htmlEscaped)" response="\#(try row.int("response") == 1)">\#(try row.string("signature_hash"))</record>"# + "\n"
        }
        document += "</hashChain>\n"
        let bytes = Array(document.utf8)
        let token = try await timestamp(DigestAlgorithm.sha256.hash(bytes))
        let ids = try pending.map { try $0.int("id") }
        try log.database.transaction { transaction in
            try transaction.execute(
                "INSERT INTO timestamps (created_at, token, hash_chain) VALUES (?, ?, ?)",
                [.integer(Int64(log.clock.now().timeIntervalSince1970)), .blob(token.der), .blob(bytes)])
            let stampID = try transaction.queryOne("SELECT last_insert_rowid() AS id").map { try $0.int("id") } ?? 0
            for id in ids { try transaction.execute("UPDATE records SET timestamp_id = ? WHERE id = ?", [.integer(stampID), .integer(id)]) }
            // Two batches may overlap (immediate mode, concurrent exchanges): the mark only moves forward.
            try transaction.execute("UPDATE log_state SET stamped_through = max(stamped_through, ?)", [.integer(ids.max() ?? 0)])
        }
        return ids.count
    }

    private func timestamp(_ digest: [UInt8]) async throws -> TimestampToken {
        let query = try TimestampRequest.create(digestAlgorithm: .sha256, digest: digest)
        let reply = try TimestampResponse(der: try await SecurityServer.postDER(query.der, to: tsaURL, contentType: "application/timestamp-query", timeout: 30))
        guard let token = reply.token else {
            throw EnrolmentError("the TSA refused the message log batch: \(reply.statusText.joined(separator: "; "))")
        }
        return token
    }

    /// The stored token and hash-chain document of a batch.
    public func batch(_ id: Int64) throws -> (token: [UInt8], hashChain: [UInt8])? {
        guard let row = try log.database.queryOne("SELECT token, hash_chain FROM timestamps WHERE id = ?", [.integer(id)]) else { return nil }
        return (try row.blob("token"), try row.blob("hash_chain"))
    }
}
