import Foundation
import SandboxCore

/// Which headers an X-Road REST exchange passes, adds and removes (PR-REST §4.3, `RestMessage` and
/// `RestRequest` / `RestResponse` in the implementation).
public enum RestHeaders {
    /// Hop-by-hop and transport headers, never forwarded in either direction (`SKIPPED_HEADERS`).
    public static let filtered: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "user-agent", "server", "content-length", "expect",
    ]

    /// Headers a client may not set: the security server computes them.
    public static let strippedFromRequest: Set<String> = ["x-road-request-id", "x-road-request-hash"]

    /// Headers a backend may not set in its response: the provider security server writes its own.
    public static let strippedFromResponse: Set<String> = ["x-road-id", "x-road-request-hash", "x-road-request-id"]

    /// Request headers passed to the provider: everything but the filtered and stripped ones, in order.
    public static func forwardable(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.filter { !filtered.contains($0.name.lowercased()) && !strippedFromRequest.contains($0.name.lowercased()) }
    }

    /// The symbols an RFC 9110 token may hold besides letters and digits.
    private static let tokenSymbols: Set<UInt8> = Set("!#$%&'*+-.^_`|~".utf8)

    /// Whether a header from a signed REST part may be sent on to a backend: a valid field name (an RFC 9110
    /// token), a value without CR, LF or NUL, and not a hop-by-hop or transport header.
    public static func isForwardableField(name: String, value: String) -> Bool {
        guard !name.isEmpty, name.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || tokenSymbols.contains($0) }),
            !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 })
        else { return false }
        return !filtered.contains(name.lowercased())
    }

    /// The value of the last occurrence of `name`: PR-REST §4.3 says a repeated `X-Road-Client` counts once,
    /// the last one.
    public static func last(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        headers.last { ASCIIText.equalIgnoringCase($0.name, name) }?.value
    }
}
