import HTTPTypes
import Foundation
import SandboxCore
import SandboxCrypto

/// The `PNPE-Signature` scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256>` over `"<t>.<raw body>"`, keyed by
/// the whole `whsec_…` string (the algorithm of Stripe and FedaPay, so the skill transfers). During a
/// secret rotation the header carries one `v1=` per secret.
public enum WebhookSignature {
    /// Receivers should refuse a timestamp further than this from their clock.
    public static let toleranceSeconds: Int64 = 300

    public static func hexSignature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        Hex.encode(mac(secret: secret, timestamp: timestamp, body: body), uppercase: false)
    }

    static func mac(secret: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        HMAC.authenticationCode(for: Array("\(timestamp).".utf8) + body, key: Array(secret.utf8))
    }

    public static func header(secrets: [String], timestamp: Int64, body: [UInt8]) -> String {
        (["t=\(timestamp)"] + secrets.map { "v1=" + hexSignature(secret: $0, timestamp: timestamp, body: body) }).joined(separator: ",")
    }

    /// The parts of a header: its timestamp and its `v1` values (other schemes are ignored).
    public static func parse(_ header: String) -> (timestamp: Int64?, signatures: [String]) { SignatureHeader.parse(header) }

    /// Seconds from `timestamp` to `now`, saturated: a hostile `t=` (say Int64.min) must not overflow.
    static func age(of timestamp: Int64, now: Date) -> Int64 {
        let (difference, overflow) = Int64(now.timeIntervalSince1970).subtractingReportingOverflow(timestamp)
        guard !overflow, difference != .min else { return timestamp < 0 ? .max : -.max }
        return difference
    }

    /// Verifies as a receiver should: timestamp within tolerance, one `v1` matching in constant time.
    public static func verify(header: String, body: [UInt8], secret: String, now: Date, tolerance: Int64 = toleranceSeconds) -> Bool {
        let (timestamp, signatures) = parse(header)
        guard let timestamp, abs(age(of: timestamp, now: now)) <= tolerance else { return false }
        let expected = mac(secret: secret, timestamp: timestamp, body: body)
        return signatures.contains { HMAC.isEqual(Hex.decode($0) ?? [], expected) }
    }
}
