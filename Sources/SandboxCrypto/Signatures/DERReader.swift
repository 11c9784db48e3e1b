/// One DER element: its tag and where its header and content lie in the bytes it was read from.
struct DERElement {
    let tag: UInt8
    /// From the tag to the end of the content.
    let whole: Range<Int>
    let content: Range<Int>
}

/// Reads DER elements one after another within a range, refusing what DER does not allow (indefinite
/// lengths, lengths past the end, non-minimal long forms, multi-byte tags). For reading structures OpenSSL
/// produced, where building OpenSSL's own objects would cost more than the reading.
struct DERReader {
    struct Malformed: Error {}

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8]) {
        self.init(bytes, range: bytes.startIndex..<bytes.endIndex)
    }

    init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    /// The elements inside `element`.
    func children(of element: DERElement) -> DERReader { DERReader(bytes, range: element.content) }

    var isAtEnd: Bool { position >= end }

    /// The next element, which must have `tag` when one is given.
    mutating func read(_ tag: UInt8? = nil) throws(Malformed) -> DERElement {
        guard position + 2 <= end else { throw Malformed() }
        let start = position
        let found = bytes[position]
        guard found & 0x1F != 0x1F, tag == nil || found == tag else { throw Malformed() }
        var index = position + 1
        let first = Int(bytes[index])
        index += 1
        var length = 0
        if first < 0x80 {
            length = first
        } else {
            let count = first & 0x7F
            guard count >= 1, count <= 4, index + count <= end, bytes[index] != 0 else { throw Malformed() }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
            guard length >= 0x80 else { throw Malformed() }
        }
        guard length <= end - index else { throw Malformed() }
        position = index + length
        return DERElement(tag: found, whole: start..<position, content: index..<position)
    }

    /// Reads the next element if it has `tag`.
    mutating func readIfPresent(_ tag: UInt8) throws(Malformed) -> DERElement? {
        guard position < end, bytes[position] == tag else { return nil }
        return try read(tag)
    }

    func slice(_ range: Range<Int>) -> [UInt8] { Array(bytes[range]) }
}
