import COpenSSL

/// Uppercase hex as certificates' tools print serials and fingerprints, written by OpenSSL: a hot path in
/// validation reports, where `String(format:)` per byte cost more than the signature checks.
enum HexText {
    /// `separator` nil: `0A1B…`; `":"`: `0A:1B:…`.
    static func encode(_ bytes: [UInt8], separator: Character? = nil) -> String {
        guard !bytes.isEmpty else { return "" }
        let separatorByte = separator.flatMap(\.asciiValue).map { CChar(bitPattern: $0) } ?? 0
        var buffer = [CChar](repeating: 0, count: bytes.count * 3 + 1)
        var length = 0
        let capacity = buffer.count
        let ok = buffer.withUnsafeMutableBufferPointer { text in
            OPENSSL_buf2hexstr_ex(text.baseAddress, capacity, &length, bytes, bytes.count, separatorByte)
        }
        guard ok == 1 else { return bytes.map { String($0, radix: 16, uppercase: true) }.joined() }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
