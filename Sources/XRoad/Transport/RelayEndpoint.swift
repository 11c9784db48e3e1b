/// Where a relayed request goes, read from an absolute `http://` or `https://` URL: the connection's
/// scheme, host and port, and the request target sent on it.
///
/// The URLs come from the topology, the admin API and a client's path, so they are parsed strictly and by
/// hand: no user info, no fragment, no spaces or control characters (they would break the request line),
/// a port between 1 and 65535.
struct RelayEndpoint: Hashable, Sendable {
    /// The connection a request can share with others: the same scheme, host and port.
    let origin: Origin
    /// Path and query, starting with `/`, as given.
    let target: String

    struct Origin: Hashable, Sendable {
        let secure: Bool
        let host: String
        let port: Int

        /// The `Host` header: the port only when it is not the scheme's default, IPv6 addresses in brackets.
        var hostHeader: String {
            let name = host.contains(":") ? "[\(host)]" : host
            return port == (secure ? 443 : 80) ? name : "\(name):\(port)"
        }
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(origin: Origin, target: String) {
        self.origin = origin
        self.target = target
    }

    init(parsing url: String) throws(Invalid) {
        let bytes = Array(url.utf8)
        guard !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw Invalid(description: "the URL contains a space or a control character")
        }
        let lowered = url.prefix(8).lowercased()
        let (secure, schemeLength): (Bool, Int)
        if lowered.hasPrefix("http://") {
            (secure, schemeLength) = (false, 7)
        } else if lowered.hasPrefix("https://") {
            (secure, schemeLength) = (true, 8)
        } else {
            throw Invalid(description: "only http:// and https:// URLs can be called")
        }
        let rest = bytes[schemeLength...]
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains(UInt8(ascii: "@")) else { throw Invalid(description: "user names and passwords in URLs are not supported") }
        var target = rest[authorityEnd...]
        if let fragment = target.firstIndex(of: UInt8(ascii: "#")) { target = target[..<fragment] }

        var hostBytes = authority
        var portText: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw Invalid(description: "an IPv6 address is not closed by ]") }
            hostBytes = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { throw Invalid(description: "unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            hostBytes = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !hostBytes.isEmpty else { throw Invalid(description: "the URL has no host") }
        var port = secure ? 443 : 80
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let number = Int(String(decoding: portText, as: UTF8.self)), (1...65_535).contains(number)
            else { throw Invalid(description: "the port must be a number from 1 to 65535") }
            port = number
        }
        self.origin = Origin(secure: secure, host: String(decoding: hostBytes, as: UTF8.self), port: port)
        self.target = target.isEmpty ? "/" : (target.first == UInt8(ascii: "?") ? "/" : "") + String(decoding: target, as: UTF8.self)
    }

}
