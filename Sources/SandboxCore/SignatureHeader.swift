import Foundation

/// The `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` header of signed webhooks (`PNPE-Signature`, Stripe's
/// scheme): read by the PNPE's own tools and by the receivers that verify it, such as the sample e-service.
public enum SignatureHeader {
    /// Its timestamp and its `v1` values; other schemes and malformed parts are ignored.
    public static func parse(_ header: String) -> (timestamp: Int64?, signatures: [String]) {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        return (timestamp, signatures)
    }
}
