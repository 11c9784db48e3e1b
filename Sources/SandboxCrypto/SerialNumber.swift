import COpenSSL
import Foundation

/// A certificate serial number: a positive integer of at most 20 octets (RFC 5280 §4.1.2.2), shown as
/// uppercase hex without separators, the way the PKI's API and `openssl x509 -serial` print it.
public struct SerialNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Big-endian magnitude without leading zero bytes (at least one byte).
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        let trimmed = Array(bytes.drop { $0 == 0 })
        self.bytes = trimmed.isEmpty ? [0] : trimmed
    }

    /// Parses hex as users type it: optional `0x`, optional `:` separators, either case.
    /// Returns nil for anything else, or for more than 20 octets.
    public init?(hex: String) {
        var text = hex.trimmingCharacters(in: .whitespaces)
        if text.lowercased().hasPrefix("0x") { text = String(text.dropFirst(2)) }
        text = text.replacingOccurrences(of: ":", with: "")
        guard !text.isEmpty, text.count <= 40, text.allSatisfy(\.isHexDigit) else { return nil }
        if text.count % 2 == 1 { text = "0" + text }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes: bytes)
    }

    /// 16 random octets, positive, with a non-zero first octet so that every serial has the same length.
    public static func random() -> SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = (bytes[0] & 0x7F) | 0x10
        return SerialNumber(bytes: bytes)
    }

    public var hex: String { HexText.encode(bytes) }
    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = SerialNumber(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a hex serial number: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    /// A new ASN1_INTEGER (caller frees with `ASN1_INTEGER_free`).
    func makeASN1Integer() throws -> UnsafeMutablePointer<ASN1_INTEGER> {
        let bignum = try require(BN_bin2bn(bytes, Int32(bytes.count), nil), "encode serial number")
        defer { BN_free(bignum) }
        return try require(BN_to_ASN1_INTEGER(bignum, nil), "encode serial number")
    }

    init(asn1 integer: UnsafePointer<ASN1_INTEGER>?) {
        self.init(bytes: asn1Bytes(integer))
    }
}
