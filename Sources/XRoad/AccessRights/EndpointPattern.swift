import Foundation

/// An endpoint of a REST service in an access right: a method (`*` for any) and a path glob where `*`
/// matches within one segment and `**` matches anything (`BaseEndpoint` / `PathGlob` in X-Road). The
/// service-level right is the implicit endpoint `* **`.
public struct EndpointPattern: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let allowedMethods: Set<String> = ["*", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]

    public let method: String
    public let path: String

    /// - Throws: a description of what is wrong, when the method is not one X-Road knows or the path does
    ///   not start with `/` (or is not `**`).
    public init(method: String, path: String) throws(EndpointPatternError) {
        let method = method.uppercased()
        guard Self.allowedMethods.contains(method) else {
            throw EndpointPatternError(description: "method '\(method)' is not one of \(Self.allowedMethods.sorted().joined(separator: " "))")
        }
        guard path == "**" || path.hasPrefix("/"), !path.contains("?"), !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw EndpointPatternError(description: "path '\(path.prefix(200))' must start with / (or be **) and carry no query")
        }
        self.method = method
        self.path = path
    }

    /// The whole service: any method, any path.
    public static let wholeService = try! EndpointPattern(method: "*", path: "**")

    public var isWholeService: Bool { method == "*" && path == "**" }

    public var description: String { "\(method) \(path)" }

    /// Whether a request with `method` on `normalizedPath` (from ``RequestPath/normalize(_:)``) is covered.
    public func matches(method requestMethod: String, normalizedPath: String) -> Bool {
        (method == "*" || method.caseInsensitiveCompare(requestMethod) == .orderedSame)
            && Self.glob(Array(path.utf8)[...], Array(normalizedPath.utf8)[...])
    }

    /// Glob matching on bytes: `**` any run of bytes, `*` any run without `/`. Dynamic programming over
    /// (pattern token, text position), so a hostile 4 000-byte path against `/**/**/**` stays linear per token.
    static func glob(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        let star = UInt8(ascii: "*")
        let text = Array(text)
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        var index = pattern.startIndex
        while index < pattern.endIndex {
            var next = [Bool](repeating: false, count: text.count + 1)
            if pattern[index] == star {
                let doubleStar = index + 1 < pattern.endIndex && pattern[index + 1] == star
                index += doubleStar ? 2 : 1
                for position in 0...text.count {
                    next[position] = reachable[position]
                        || (position > 0 && next[position - 1] && (doubleStar || text[position - 1] != slash))
                }
            } else {
                let byte = pattern[index]
                index += 1
                for position in 0..<text.count where reachable[position] && text[position] == byte { next[position + 1] = true }
            }
            reachable = next
        }
        return reachable[text.count]
    }
}

public struct EndpointPatternError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The path access rights are checked against: percent-decoded, then with dot segments removed
/// (RFC 3986 §5.2.4), so `/v1/../admin` and `/v1/%2e%2e/admin` are both `/admin`. Decoding first is what
/// closes the wildcard traversal X-Road fixed in 7.7.1 (XRDDEV-3054).
public enum RequestPath {
    /// The normalised path, or nil when no right may cover it: bad percent-encoding, NUL or control bytes,
    /// a raw `#`, or a `..` that climbs above the service's root.
    public static func normalize(_ rawPath: String) -> String? {
        let path = rawPath.isEmpty ? "/" : rawPath
        return isNormalASCII(path) ? path : normalizedSegments(path)
    }

    /// Decodes `path`, refuses what no right may cover, and removes its dot segments.
    static func normalizedSegments(_ path: String) -> String? {
        // A raw `#` starts a fragment the HTTP client drops before calling the backend: what was checked
        // here would not be what is fetched.
        guard !path.contains("#"), let decoded = path.removingPercentEncoding,
            !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        var output: [Substring] = []
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false).dropFirst()  // leading ""
        for (offset, segment) in segments.enumerated() {
            let isLast = offset == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                // Above the service's root: the backend would resolve it outside the service URL. Like
                // java.net.URI.normalize in X-Road, it matches no right.
                guard !output.isEmpty else { return nil }
                output.removeLast()
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    /// Whether `path` is already what ``normalize(_:)`` makes of it, by a look at its bytes: it starts with
    /// `/`, holds only unreserved characters and `/` (so nothing to decode, no fragment, no control byte),
    /// and has no `.` or `..` segment. Most paths are; they skip the decoding and the segment walk.
    static func isNormalASCII(_ path: String) -> Bool {
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/") else { return false }
        var length = 0
        var dots = 0
        for byte in bytes.dropFirst() {
            switch byte {
            case UInt8(ascii: "/"):
                if length > 0 && length <= 2 && dots == length { return false }
                length = 0
                dots = 0
                continue
            case UInt8(ascii: "."):
                dots += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                break
            default:
                return false
            }
            length += 1
        }
        return !(length > 0 && length <= 2 && dots == length)
    }
}
