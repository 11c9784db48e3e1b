import Foundation

/// Random identifiers: a prefix saying what the thing is, then Crockford base32 (no I, L, O, U, so an id
/// read aloud or copied from paper survives).
public enum Identifier {
    public static func random(prefix: String, bytes: Int = 16) -> String {
        "\(prefix)_\(Crockford32.encode(RandomBytes.take(bytes)))"
    }

    public static func requestID() -> String { random(prefix: "req", bytes: 12) }

    /// A random (version 4) UUID in lower case, as X-Road writes message and request ids. Foundation's
    /// `UUID()` opens `/dev/urandom` on every call on Linux; this takes its bytes from ``RandomBytes``.
    public static func uuid() -> String {
        var bytes = RandomBytes.take(16)
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether an identifier that came from outside is safe to echo in headers, logs and paths.
    public static func isSafe(_ id: String, maxLength: Int = 128) -> Bool {
        !id.isEmpty && id.count <= maxLength
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._:-".unicodeScalars.contains($0)) }
    }
}

public enum Crockford32 {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}

public enum Hex {
    /// Two digits per byte, by byte arithmetic rather than `String(format:)`: ids and digests are formatted
    /// on hot paths.
    public static func encode(_ bytes: [UInt8], uppercase: Bool = true) -> String {
        let digits: StaticString = uppercase ? "0123456789ABCDEF" : "0123456789abcdef"
        return digits.withUTF8Buffer { digits in
            String(unsafeUninitializedCapacity: bytes.count * 2) { text in
                for (index, byte) in bytes.enumerated() {
                    text[2 * index] = digits[Int(byte >> 4)]
                    text[2 * index + 1] = digits[Int(byte & 0x0F)]
                }
                return bytes.count * 2
            }
        }
    }

    /// The same for slices and other byte sequences.
    public static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = true) -> String {
        encode(Array(bytes), uppercase: uppercase)
    }

    /// Accepts an optional `0x` prefix and `:` separators; nil for anything else.
    public static func decode(_ string: String) -> [UInt8]? {
        var text = string
        if text.lowercased().hasPrefix("0x") { text = String(text.dropFirst(2)) }
        text = text.replacingOccurrences(of: ":", with: "")
        guard text.count % 2 == 0, text.allSatisfy(\.isHexDigit) else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
