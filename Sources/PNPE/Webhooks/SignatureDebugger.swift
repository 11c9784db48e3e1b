import Foundation
import SandboxCore
import SandboxCrypto

/// What `POST /v1/test_helpers/webhook_signature/verify` answers: whether the signature verifies and,
/// when it does not, the most likely reason in plain words (reference §4.7). The usual mistakes are all
/// recognisable from the bytes: a re-serialised body, the wrong secret, the timestamp left out of the
/// signed text, base64 instead of hex, an old timestamp.
public struct SignatureReport: Sendable, Encodable {
    public var valid: Bool
    public var diagnosis: String
    public var explanation: String
    public var timestamp: Int64?
    public var ageSeconds: Int64?
    public var expectedHeader: String?
    public var signedPayloadRecipe = "hex(HMAC-SHA256(secret, \"{t}.{raw body}\"))"

    enum CodingKeys: String, CodingKey {
        case valid, diagnosis, explanation, timestamp
        case ageSeconds = "age_seconds"
        case expectedHeader = "expected_header"
        case signedPayloadRecipe = "signed_payload_recipe"
    }
}

extension PaymentPlatform {
    func debugSignature(merchant: Merchant, payload: String, header: String, secret: String?, endpointID: String?, tolerance: Int64) throws -> SignatureReport {
        let (timestamp, signatures) = WebhookSignature.parse(header)
        var report = SignatureReport(valid: false, diagnosis: "", explanation: "", timestamp: timestamp)
        guard let timestamp else {
            report.diagnosis = "missing_timestamp"
            report.explanation = "The header has no t=<unix seconds>. The PNPE-Signature header looks like t=1736157607,v1=<hex>; pass it whole."
            return report
        }
        let age = WebhookSignature.age(of: timestamp, now: realNow)
        report.ageSeconds = age
        guard !signatures.isEmpty else {
            report.diagnosis = "missing_signature"
            report.explanation = header.contains("s=")
                ? "The header has s=, FedaPay's label; the PNPE labels signatures v1=."
                : "The header has no v1=<hex signature>."
            return report
        }
        // The secrets this merchant could mean: the one given, or the endpoint's, or every endpoint's and the listen secret.
        var candidates: [(String, String)] = []
        if let secret { candidates.append((secret, "the secret you gave")) }
        let endpoints = try webhookEndpoints(database, merchantID: merchant.id).filter { endpointID == nil || $0.id == endpointID }
        if let endpointID, endpoints.isEmpty { throw PNPEError.notFound("webhook endpoint", endpointID, param: "endpoint_id") }
        for endpoint in endpoints {
            candidates.append((endpoint.secret, "the current secret of \(endpoint.id)"))
            if let previous = endpoint.previousSecret { candidates.append((previous, "the previous (rotated) secret of \(endpoint.id)")) }
        }
        if endpointID == nil { candidates.append((merchant.listenSecret, "the signing secret of `sandbox pnpe listen`")) }
        guard let (primary, primaryName) = candidates.first else {
            throw PNPEError.invalid("secret", "give the secret (whsec_…) or an endpoint_id: this merchant has no webhook endpoint")
        }
        let body = Array(payload.utf8)
        report.expectedHeader = WebhookSignature.header(secrets: [primary], timestamp: timestamp, body: body)
        let given = signatures.map { $0.lowercased() }

        func matches(_ mac: [UInt8]) -> Bool { given.contains { HMAC.isEqual(Hex.decode($0) ?? [], mac) } }

        for (candidate, name) in candidates where matches(WebhookSignature.mac(secret: candidate, timestamp: timestamp, body: body)) {
            if abs(age) > tolerance {
                report.diagnosis = "timestamp_outside_tolerance"
                report.explanation = "The signature matches \(name), but t is \(age) s from now, beyond the \(tolerance) s tolerance: a replay, or the receiver's clock is off."
                return report
            }
            report.valid = true
            report.diagnosis = "valid"
            report.explanation = "The signature matches \(name) and the timestamp is within \(tolerance) s."
            if candidate != primary, secret != nil || endpointID != nil {
                report.explanation += " Note: it is not the secret you named first (\(primaryName))."
            }
            return report
        }
        for (candidate, name) in candidates {
            let mac = WebhookSignature.mac(secret: candidate, timestamp: timestamp, body: body)
            if signatures.contains(Data(mac).base64EncodedString()) {
                report.diagnosis = "signature_base64_not_hex"
                report.explanation = "The v1 value is the right HMAC with \(name), but in base64: the PNPE sends and compares lowercase hex."
                return report
            }
            if matches(HMAC.authenticationCode(for: body, key: Array(candidate.utf8))) {
                report.diagnosis = "timestamp_not_signed"
                report.explanation = "The HMAC was computed over the body alone. Sign \"{t}.{raw body}\": the timestamp, a dot, then the body."
                return report
            }
            if candidate.hasPrefix("whsec_"), matches(HMAC.authenticationCode(for: Array("\(timestamp).".utf8) + body, key: Array(candidate.dropFirst(6).utf8))) {
                report.diagnosis = "secret_prefix_stripped"
                report.explanation = "The key used was the secret without its whsec_ prefix; the whole string, prefix included, is the key."
                return report
            }
        }
        // The body: if it names a stored event whose bytes differ, it was parsed and re-serialised.
        if case .string(let id)? = (try? JSONParser.parse(body))?["id"], let stored = try event(merchantID: merchant.id, id: id), stored.body != payload {
            let storedBytes = Array(stored.body.utf8)
            let sameJSON = (try? JSONParser.parse(storedBytes)) == (try? JSONParser.parse(body))
            report.diagnosis = sameJSON ? "body_reserialised" : "body_altered"
            report.explanation = sameJSON
                ? "The payload is the same JSON as event \(id) but not the same bytes (spacing, key order or escapes changed): verify the raw request body before parsing it."
                : "The payload differs from event \(id) as it was sent: verify the raw request body, unmodified."
            report.expectedHeader = WebhookSignature.header(secrets: [primary], timestamp: timestamp, body: storedBytes)
            return report
        }
        report.diagnosis = "wrong_secret"
        report.explanation = "No known secret of this merchant produces this signature over this payload. Check that you use the whsec_ of this endpoint (a rotation gives a new one) and the raw body."
        return report
    }
}
