import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A JSON string literal, for bodies written by hand because their key order matters (X-Road's error
/// object, the registries' answers).
public enum JSONText {
    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`,
    /// everything else (`/` and non-ASCII included) as is — what `JSONEncoder` with
    /// `.withoutEscapingSlashes` writes, without making an encoder for each string.
    public static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Finding a byte sequence in a message (multipart boundaries, DTD markers).
public enum ByteSearch {
    /// The first position of `needle` in `haystack` at or after `start`.
    public static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return haystack.withUnsafeBytes { hay -> Int? in
            needle.withUnsafeBytes { pattern -> Int? in
                // memchr finds each candidate first byte (vectorised in glibc), memcmp checks the rest.
                let base = hay.baseAddress!
                let last = hay.count - pattern.count
                var index = start
                while index <= last {
                    guard let found = memchr(base + index, Int32(pattern[0]), last - index + 1) else { return nil }
                    index = UnsafeRawPointer(found) - base
                    if memcmp(found, pattern.baseAddress!, pattern.count) == 0 { return index }
                    index += 1
                }
                return nil
            }
        }
    }
}

/// HTTP-style text handled as bytes: header names are ASCII tokens, so comparing them does not need
/// Foundation's Unicode-aware (and much slower) case folding, which the exchange path paid on every lookup.
public enum ASCIIText {
    /// Whether `a` and `b` are equal when ASCII letters are folded to lower case (other bytes compare as is).
    public static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { left in b.withUTF8 { right in equalBytesIgnoringCase(left, right) } }
    }

    /// The same comparison for text already held as bytes.
    public static func equalIgnoringCase(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        equalBytesIgnoringCase(a, b)
    }

    private static func equalBytesIgnoringCase(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte | 0x20 : byte }

    /// The CRLF-separated lines of `bytes`, decoded as UTF-8; like `components(separatedBy: "\r\n")` on the
    /// decoded text (a trailing CRLF gives a last empty line).
    public static func crlfLines(_ bytes: [UInt8]) -> [String] {
        var lines: [String] = []
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 {
                lines.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(String(decoding: bytes[start...], as: UTF8.self))
        return lines
    }
}
