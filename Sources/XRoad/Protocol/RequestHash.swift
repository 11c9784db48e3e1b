import Foundation
import SandboxCrypto

/// `X-Road-Request-Hash` (PR-REST §4.3): the provider security server hashes the request it received and
/// returns the hash; the consumer security server recomputes it and refuses the response on a mismatch
/// (`InconsistentResponse`). SHA-512 by default, as `Digests.DEFAULT_DIGEST_ALGORITHM`.
public enum RequestHash {
    /// The serialised header part the hash covers (`RestRequest.toByteArray`): the verb, the raw path and
    /// query, then one `name:value` line per forwarded header, each line ending in CRLF.
    public static func headerPart(method: String, rawPathAndQuery: String, headers: [(name: String, value: String)]) -> [UInt8] {
        var lines = HeaderLines(method: method, target: rawPathAndQuery, headerCount: headers.count)
        for header in headers { lines.append(name: header.name, value: header.value) }
        return lines.bytes
    }

    /// base64( SHA-512( SHA-512(header part) ‖ SHA-512(body) ) ), or base64( SHA-512(header part) ) without a body.
    public static func compute(headerPart: [UInt8], body: [UInt8]?, algorithm: DigestAlgorithm = .sha512) -> String {
        let headerDigest = algorithm.hash(headerPart)
        guard let body, !body.isEmpty else { return Data(headerDigest).base64EncodedString() }
        return Data(algorithm.hash(headerDigest + algorithm.hash(body))).base64EncodedString()
    }
}

/// CRLF-terminated lines written straight as bytes: the request and response parts are serialised on
/// every exchange, several times, and string concatenation made a temporary string per piece.
struct HeaderLines {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// A request part's first two lines: the verb in upper case, then the raw path and query.
    init(method: String, target: String, headerCount: Int) {
        self.init(capacity: method.utf8.count + target.utf8.count + 4 + headerCount * 48)
        append(line: method.utf8.contains { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } ? method.uppercased() : method)
        append(line: target)
    }

    mutating func append(line: String) {
        bytes += line.utf8
        bytes += [0x0D, 0x0A]
    }

    mutating func append(name: String, value: String) {
        bytes += name.utf8
        bytes.append(UInt8(ascii: ":"))
        bytes += value.utf8
        bytes += [0x0D, 0x0A]
    }
}
