import Foundation
import SandboxCrypto

/// `X-Road-Request-Hash` (PR-REST §4.3): the provider security server hashes the request it received and
/// returns the hash; the consumer security server recomputes it and refuses the response on a mismatch
/// (`InconsistentResponse`). SHA-512 by default, as `Digests.DEFAULT_DIGEST_ALGORITHM`.
public enum RequestHash {
    /// The serialised header part the hash covers (`RestRequest.toByteArray`): the verb, the raw path and
    /// query, then one `name:value` line per forwarded header, each line ending in CRLF.
    public static func headerPart(method: String, rawPathAndQuery: String, headers: [(name: String, value: String)]) -> [UInt8] {
        var text = method.uppercased() + "\r\n" + rawPathAndQuery + "\r\n"
        for header in headers { text += header.name + ":" + header.value + "\r\n" }
        return Array(text.utf8)
    }

    /// base64( SHA-512( SHA-512(header part) ‖ SHA-512(body) ) ), or base64( SHA-512(header part) ) without a body.
    public static func compute(headerPart: [UInt8], body: [UInt8]?, algorithm: DigestAlgorithm = .sha512) -> String {
        let headerDigest = algorithm.hash(headerPart)
        guard let body, !body.isEmpty else { return Data(headerDigest).base64EncodedString() }
        return Data(algorithm.hash(headerDigest + algorithm.hash(body))).base64EncodedString()
    }
}
