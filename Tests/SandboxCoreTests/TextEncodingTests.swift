import Foundation
import SandboxCore
import Testing

@Suite("JSON string literals and byte search")
struct TextEncodingTests {
    /// The hand-written escaper writes what JSONEncoder (without escaped slashes) writes, for every
    /// ASCII character and for text beyond ASCII.
    @Test func quotingMatchesJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        samples += ["", "Société Béninoise de Télécom", "RB/COT/24 B 00042", "a\"b\\c\n\r\t", "emoji 🇧🇯", "\u{2028}\u{2029}", "\u{7F}\u{80}"]
        for text in samples {
            let expected = String(decoding: try encoder.encode(text), as: UTF8.self)
            #expect(JSONText.quote(text) == expected, "\(Array(text.unicodeScalars.map(\.value)))")
        }
    }

    @Test func byteSearchFindsTheFirstOccurrenceFromAStart() {
        let haystack = Array("--b\r\nA\r\n--b\r\nB\r\n--b--".utf8)
        let boundary = Array("--b".utf8)
        #expect(ByteSearch.firstIndex(of: boundary, in: haystack) == 0)
        #expect(ByteSearch.firstIndex(of: boundary, in: haystack, from: 1) == 8)
        #expect(ByteSearch.firstIndex(of: Array("--b--".utf8), in: haystack) == haystack.count - 5)
        #expect(ByteSearch.firstIndex(of: boundary, in: haystack, from: haystack.count - 2) == nil)
        #expect(ByteSearch.firstIndex(of: boundary, in: haystack, from: haystack.count + 5) == nil)
        #expect(ByteSearch.firstIndex(of: boundary, in: haystack, from: -1) == nil)
        #expect(ByteSearch.firstIndex(of: [], in: haystack) == nil)
        #expect(ByteSearch.firstIndex(of: boundary, in: []) == nil)
        #expect(ByteSearch.firstIndex(of: Array("zz".utf8), in: haystack) == nil)
    }
}
