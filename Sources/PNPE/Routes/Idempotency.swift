import Foundation
import HTTPTypes
import SandboxCore
import SandboxCrypto

/// `Idempotency-Key` with Stripe's semantics (reference §4.5): the first execution's status and body are
/// kept 24 hours and replayed (`Idempotent-Replayed: true`); the same key with another request is a 400,
/// and while the first is still running a 409. Validation failures are not kept, so a corrected request
/// can reuse the key.
extension PaymentPlatform {
    static let idempotencyLifetime: Int64 = 24 * 3600 * 1000

    enum IdempotencyStart {
        case proceed
        case replay(APIResult)
    }

    static func validateIdempotencyKey(_ key: String) throws {
        guard !key.isEmpty, key.count <= 255, key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw PNPEError.invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters without spaces (a UUID is a good choice)")
        }
    }

    static func fingerprint(method: String, path: String, body: [UInt8]) -> String {
        Hex.encode(DigestAlgorithm.sha256.hash(Array("\(method) \(path)\n".utf8) + body), uppercase: false)
    }

    func beginIdempotent(merchantID: String, key: String, fingerprint: String) throws -> IdempotencyStart {
        let now = realNow.milliseconds
        return try database.transaction { tx in
            try tx.execute("DELETE FROM idempotency WHERE merchant_id = ? AND key = ? AND created_ms < ?", [.text(merchantID), .text(key), .integer(now - Self.idempotencyLifetime)])
            if let row = try tx.queryOne("SELECT * FROM idempotency WHERE merchant_id = ? AND key = ?", [.text(merchantID), .text(key)]) {
                guard try row.string("fingerprint") == fingerprint else {
                    throw PNPEError(
                        .badRequest, .idempotency, code: "idempotency_key_mismatch",
                        message: "Idempotency-Key \(key.prefix(60)) was used with another request (method, path or body differ); use a new key for a new request",
                        param: "Idempotency-Key")
                }
                guard try row.string("state") == "done" else {
                    throw PNPEError(
                        .conflict, .idempotency, code: "idempotency_request_in_progress",
                        message: "a request with Idempotency-Key \(key.prefix(60)) is still being processed; retry in a moment", param: "Idempotency-Key")
                }
                var result = APIResult(status: HTTPResponse.Status(code: Int(try row.int("status"))), body: Array(try row.string("response").utf8))
                let headers = try PNPEJSON.decode([String: String].self, row.optionalString("headers") ?? "{}")
                for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
                    if let field = HTTPField.Name(name) { result.headers.append((field, value)) }
                }
                result.headers.append((.idempotentReplayed, "true"))
                return .replay(result)
            }
            try tx.execute(
                "INSERT INTO idempotency (merchant_id, key, fingerprint, state, created_ms) VALUES (?, ?, ?, 'running', ?)",
                [.text(merchantID), .text(key), .text(fingerprint), .integer(now)])
            return .proceed
        }
    }

    func finishIdempotent(merchantID: String, key: String, result: APIResult) throws {
        var headers: [String: String] = [:]
        for (name, value) in result.headers { headers[name.canonicalName] = value }
        try database.execute(
            "UPDATE idempotency SET state = 'done', status = ?, headers = ?, response = ? WHERE merchant_id = ? AND key = ?",
            [.integer(Int64(result.status.code)), .text(try PNPEJSON.text(headers)), .text(String(decoding: result.body, as: UTF8.self)),
             .text(merchantID), .text(key)])
    }

    func releaseIdempotent(merchantID: String, key: String) {
        try? database.execute("DELETE FROM idempotency WHERE merchant_id = ? AND key = ?", [.text(merchantID), .text(key)])
    }
}
