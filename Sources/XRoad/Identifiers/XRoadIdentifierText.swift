import Foundation

/// The text rules of X-Road identifiers (PR-REST §4.2 and §4.8): each part UTF-8 and percent-encoded on its
/// own, `/` between parts never encoded; allowed characters `A–Z a–z 0–9 ' ( ) + , - . = ?`.
///
/// The real security server only *warns* at run time about other characters and refuses them when an id
/// is registered; the sandbox lets them through at run time too and refuses them in the topology
/// (``registrationProblem(_:)``).
public enum XRoadIdentifierText {
    /// Characters PR-REST §4.8 allows in an identifier part.
    static let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'()+,-.=?")

    /// Characters the implementation forbids outright (`checkIdentifier`): control characters, `% : ; / \`,
    /// zero-width space and byte-order mark.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || "%:;/\\".unicodeScalars.contains(scalar)
            || scalar.value == 0x200B || scalar.value == 0xFEFF
    }

    /// Splits on `/` and percent-decodes each part.
    static func decodeParts(_ text: String, expected: ClosedRange<Int>, kind: String) throws(XRoadIdentifierError) -> [String] {
        let raw = text.split(separator: "/", omittingEmptySubsequences: false)
        let shape = expected.lowerBound == expected.upperBound ? "\(expected.lowerBound)" : "\(expected.lowerBound) or \(expected.upperBound)"
        guard expected.contains(raw.count) else {
            throw XRoadIdentifierError(description: "a \(kind) identifier has \(shape) parts separated by '/', not \(raw.count): '\(text.prefix(200))'")
        }
        var parts: [String] = []
        for part in raw {
            // Most identifiers carry no escape at all: no decoding to do.
            if !part.utf8.contains(UInt8(ascii: "%")) {
                guard !part.isEmpty else { throw XRoadIdentifierError(description: "the \(kind) identifier '\(text.prefix(200))' has an empty part") }
                parts.append(String(part))
                continue
            }
            guard Self.isWellFormedPercentEncoding(part), let decoded = String(part).removingPercentEncoding else {
                throw XRoadIdentifierError(description: "'\(part.prefix(100))' in the \(kind) identifier is not valid percent-encoding")
            }
            guard !decoded.isEmpty else { throw XRoadIdentifierError(description: "the \(kind) identifier '\(text.prefix(200))' has an empty part") }
            parts.append(decoded)
        }
        return parts
    }

    /// Every `%` followed by two hex digits (Foundation lets some malformed sequences through).
    static func isWellFormedPercentEncoding(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
            } else {
                index += 1
            }
        }
        return true
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// Percent-encodes one part for a path or header: everything outside RFC 3986's unreserved set and the
    /// X-Road-allowed punctuation.
    public static func percentEncode(_ part: String) -> String {
        if part.utf8.allSatisfy(isLeftAsIs) { return part }
        return part.addingPercentEncoding(withAllowedCharacters: encodingAllowed) ?? part
    }

    /// The bytes ``percentEncode(_:)`` keeps: ASCII letters, digits and `-._~'()+,=`.
    private static func isLeftAsIs(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "="):
            true
        default: false
        }
    }

    private static let encodingAllowed: CharacterSet = {
        var set = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        set.insert(charactersIn: "-._~'()+,=")
        return set
    }()

    /// Why a part cannot be registered, or nil when it can: the admin API's strictness.
    public static func registrationProblem(_ part: String) -> String? {
        if part.isEmpty { return "an identifier part cannot be empty" }
        if part.count > 255 { return "an identifier part has at most 255 characters" }
        if let bad = part.unicodeScalars.first(where: isForbidden) {
            return "'\(part)' contains a forbidden character (U+\(String(bad.value, radix: 16, uppercase: true))): X-Road forbids control characters and % : ; / \\"
        }
        if let odd = part.first(where: { !allowed.contains($0) }) {
            return "'\(part)' contains '\(odd)': use only A–Z a–z 0–9 and ' ( ) + , - . = ? (PR-REST §4.8)"
        }
        return nil
    }
}
