import COpenSSL
import Foundation

/// The subject alternative name forms the sandbox issues and reads (RFC 5280 §4.2.1.6).
public enum GeneralName: Sendable, Hashable, Codable, CustomStringConvertible {
    case dns(String)
    case ip(String)
    case email(String)
    case uri(String)

    /// Parses `DNS:host`, `IP:127.0.0.1`, `email:a@b`, `URI:https://…` (the OpenSSL spellings); a bare
    /// value is taken as a DNS name, or an IP address when it parses as one.
    public init?(text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        // A bare IPv6 address contains colons too: recognise it before looking for a `type:` prefix.
        if IPAddress.bytes(text) != nil {
            self = .ip(text)
        } else if parts.count == 2 {
            switch parts[0].lowercased() {
            case "dns": self = .dns(parts[1])
            case "ip": self = .ip(parts[1])
            case "email": self = .email(parts[1])
            case "uri": self = .uri(parts[1])
            default: return nil
            }
        } else {
            self = .dns(text)
        }
        guard validationError == nil else { return nil }
    }

    public var description: String {
        switch self {
        case .dns(let value): "DNS:\(value)"
        case .ip(let value): "IP:\(value)"
        case .email(let value): "email:\(value)"
        case .uri(let value): "URI:\(value)"
        }
    }

    /// Why the value cannot go into a certificate, or nil when it can. Checked before OpenSSL ever sees
    /// it, because the value travels through OpenSSL's config syntax where `,` starts a new entry.
    public var validationError: String? {
        switch self {
        case .dns(let name):
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
            guard !name.isEmpty, name.count <= 253 else { return "a DNS name has 1 to 253 characters" }
            for (index, label) in labels.enumerated() {
                if index == 0 && label == "*" && labels.count > 2 { continue }
                guard !label.isEmpty, label.count <= 63, label.allSatisfy(allowed.contains),
                    label.first != "-", label.last != "-"
                else { return "\"\(name)\" is not a valid DNS name (letters, digits and hyphens, dot-separated)" }
            }
            return nil
        case .ip(let address):
            return IPAddress.bytes(address) == nil ? "\"\(address)\" is not an IPv4 or IPv6 address" : nil
        case .email(let address):
            let parts = address.split(separator: "@")
            let ok = parts.count == 2 && address.count <= 254 && !address.contains(where: { $0.isWhitespace || ",;\"<>".contains($0) })
            return ok ? nil : "\"\(address)\" is not an e-mail address"
        case .uri(let uri):
            let ok = uri.count <= 2048 && !uri.contains(where: { $0.isWhitespace || $0 == "," }) && URL(string: uri)?.scheme != nil
            return ok ? nil : "\"\(uri)\" is not an absolute URI without spaces or commas"
        }
    }

    /// Reads a borrowed `GENERAL_NAME`, or nil for the forms we do not display.
    init?(_ name: UnsafeMutablePointer<GENERAL_NAME>) {
        switch name.pointee.type {
        case GEN_DNS: self = .dns(Self.string(name.pointee.d.dNSName))
        case GEN_EMAIL: self = .email(Self.string(name.pointee.d.rfc822Name))
        case GEN_URI: self = .uri(Self.string(name.pointee.d.uniformResourceIdentifier))
        case GEN_IPADD: self = .ip(IPAddress.text(asn1Bytes(name.pointee.d.iPAddress)))
        default: return nil
        }
    }

    private static func string(_ value: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        String(decoding: asn1Bytes(value), as: UTF8.self)
    }

    /// Reads a borrowed `GENERAL_NAMES` stack.
    static func list(_ names: OpaquePointer?) -> [GeneralName] {
        guard let names else { return [] }
        return (0..<OPENSSL_sk_num(names)).compactMap { index in
            OPENSSL_sk_value(names, index).flatMap { GeneralName($0.assumingMemoryBound(to: GENERAL_NAME.self)) }
        }
    }
}

/// IP address text ⇄ bytes, through the C library.
public enum IPAddress {
    /// The address's 4 or 16 bytes; nil for anything that is not an IPv4 or IPv6 address (a host name).
    public static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard bytes.count == 4 || bytes.count == 16,
            bytes.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }) != nil
        else { return HexText.encode(bytes, separator: ":") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
