import Crypto
import Foundation
import SandboxCore

/// Checks a `PNPE-Signature` header (`t=<unix seconds>,v1=<hex>`) the way every receiver must:
///
/// 1. on the **raw** body, byte for byte, before any JSON parsing (re-encoding changes the bytes);
/// 2. `v1` = hex(HMAC-SHA256(key: the whole `whsec_…` secret, message: "\(t).\(raw body)"));
/// 3. compared in constant time, any `v1` of the header may match (a secret rotation sends two);
/// 4. `t` within five minutes of our clock, so that a captured delivery cannot be replayed later.
///
/// Written with swift-crypto, as a PHP receiver would use `hash_hmac` and `hash_equals`.
public enum WebhookVerifier {
    public enum Verdict: Sendable, Equatable {
        case valid
        case missingHeader
        /// No `t=` or no `v1=` in the header.
        case malformed
        case timestampOutsideTolerance
        case signatureMismatch

        public var explanation: String {
            switch self {
            case .valid: "valid"
            case .missingHeader: "no PNPE-Signature header"
            case .malformed: "PNPE-Signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>"
            case .timestampOutsideTolerance: "the signature's timestamp is more than 300 s away from our clock (a replay?)"
            case .signatureMismatch: "no v1 signature matches HMAC-SHA256(endpoint secret, \"t.raw body\")"
            }
        }
    }

    public static let toleranceSeconds: TimeInterval = 300

    public static func verify(header: String?, body: [UInt8], secret: String, now: Date) -> Verdict {
        guard let header, !header.isEmpty else { return .missingHeader }
        let (timestamp, signatures) = SignatureHeader.parse(header)
        guard let timestamp, !signatures.isEmpty else { return .malformed }
        guard abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= toleranceSeconds else { return .timestampOutsideTolerance }
        let key = SymmetricKey(data: Array(secret.utf8))
        let message = Array("\(timestamp).".utf8) + body
        for signature in signatures {
            guard let bytes = Hex.decode(signature), bytes.count == SHA256.byteCount else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: message, using: key) { return .valid }
        }
        return .signatureMismatch
    }

    /// The header a sender would write, for tests and for the lab's "sign it yourself" step.
    public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=" + Hex.encode(Array(code), uppercase: false)
    }
}
