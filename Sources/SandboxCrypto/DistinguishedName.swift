import COpenSSL
import Foundation

/// An X.500 distinguished name as an ordered list of attributes, most significant first (`C`, `O`, …, `CN`),
/// which is the order they are encoded in. ``description`` prints the RFC 4514 string (least significant
/// first), as `openssl x509 -nameopt RFC2253` does.
public struct DistinguishedName: Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Attribute: Sendable, Hashable, Codable {
        /// OpenSSL's short name (`CN`, `O`, `OU`, `C`, `L`, `ST`, `serialNumber`, `organizationIdentifier`,
        /// `emailAddress`, `GN`, `SN`), or a dotted OID for types OpenSSL has no name for.
        public let type: String
        public let value: String

        public init(_ type: String, _ value: String) {
            self.type = type
            self.value = value
        }
    }

    public var attributes: [Attribute]

    public init(_ attributes: [Attribute]) { self.attributes = attributes }

    /// The first value of an attribute type.
    public subscript(type: String) -> String? { attributes.first { $0.type == type }?.value }

    public var commonName: String? { self["CN"] }

    public var description: String {
        attributes.reversed().map { "\($0.type)=\(Self.escape($0.value))" }.joined(separator: ",")
    }

    /// RFC 4514 §2.4 escaping.
    static func escape(_ value: String) -> String {
        let characters = Array(value)
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for (index, character) in characters.enumerated() {
            let special = ",+\"\\<>;".contains(character)
                || (index == 0 && (character == " " || character == "#"))
                || (index == characters.count - 1 && character == " ")
            if special { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Builds an owned `X509_NAME` (caller frees). Values are set as UTF-8, so "Bénin" stays "Bénin".
    func makeX509Name() throws -> OpaquePointer {
        clearOpenSSLErrors()
        let name = try require(X509_NAME_new(), "allocate name")
        for attribute in attributes {
            let bytes = Array(attribute.value.utf8)
            let added = X509_NAME_add_entry_by_txt(name, attribute.type, mbstringUTF8, bytes, Int32(bytes.count), -1, 0)
            if added != 1 {
                X509_NAME_free(name)
                throw CryptoError.fromQueue("set name attribute \(attribute.type)=\(attribute.value)")
            }
        }
        return name
    }

    /// Reads a borrowed `X509_NAME`.
    init(x509Name name: OpaquePointer?) {
        var attributes: [Attribute] = []
        if let name {
            for index in 0..<X509_NAME_entry_count(name) {
                guard let entry = X509_NAME_get_entry(name, index) else { continue }
                let type = objectName(X509_NAME_ENTRY_get_object(entry))
                var utf8: UnsafeMutablePointer<UInt8>?
                let length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry))
                var value = ""
                if length >= 0, let utf8 {
                    value = String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
                    OpenSSLBuffers.free(utf8)
                }
                attributes.append(Attribute(type, value))
            }
        }
        self.attributes = attributes
    }

    /// DER encoding of the name, for comparisons that must be exact.
    func der(_ name: OpaquePointer) -> [UInt8] {
        (try? OpenSSLBuffers.der("encode name") { i2d_X509_NAME(name, $0) }) ?? []
    }
}

/// `MBSTRING_UTF8` is a macro Swift does not import: it is `MBSTRING_FLAG` (0x1000) itself.
let mbstringUTF8: Int32 = 0x1000
