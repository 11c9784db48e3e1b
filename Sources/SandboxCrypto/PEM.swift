import Foundation

/// PEM armour (RFC 7468): base64 in 64-character lines between BEGIN and END labels.
public enum PEM {
    public static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines: [String] = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every block with the given label, decoded. Text outside the blocks is ignored (as OpenSSL does).
    public static func decodeAll(_ text: String, label: String) -> [[UInt8]] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var blocks: [[UInt8]] = []
        var rest = Substring(text)
        while let start = rest.range(of: begin), let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) {
            let body = rest[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
            if let data = Data(base64Encoded: String(body)) { blocks.append([UInt8](data)) }
            rest = rest[stop.upperBound...]
        }
        return blocks
    }

    /// Whether the bytes look like PEM text rather than DER: a `-----BEGIN ` marker within the first 4 KiB.
    /// Searched as bytes: decoding binary DER as a String would take the slow UTF-8 repair path.
    public static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        let window = bytes.prefix(4096)
        guard window.count >= marker.count else { return false }
        var index = window.startIndex
        while index <= window.endIndex - marker.count {
            if window[index] == 0x2D, window[index..<index + marker.count].elementsEqual(marker) { return true }
            index += 1
        }
        return false
    }
}
