import Foundation
import SandboxCore
import Testing

@Suite("ASCII text helpers")
struct ASCIITextTests {
    @Test("Header names compare with ASCII letters folded, nothing else")
    func caseFolding() {
        #expect(ASCIIText.equalIgnoringCase("X-Road-Client", "x-road-client"))
        #expect(ASCIIText.equalIgnoringCase("X-ROAD-ID", "x-Road-Id"))
        #expect(!ASCIIText.equalIgnoringCase("X-Road-Id", "X-Road-Ids"))
        #expect(!ASCIIText.equalIgnoringCase("X-Road-Id", "X-Road_Id"))
        // '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
        #expect(!ASCIIText.equalIgnoringCase("a@", "a`"))
        #expect(!ASCIIText.equalIgnoringCase("É", "é"))
        #expect(ASCIIText.equalIgnoringCase("", ""))
    }

    @Test("CRLF lines match components(separatedBy:) on the decoded text", arguments: [
        "GET\r\n/r1/a\r\nAccept:*/*\r\n", "200\r\n", "", "\r\n", "no line end", "a\rb\nc\r\n\r\n", "é\r\nà\r\n", "\r\r\n\n",
    ])
    func lines(_ text: String) {
        #expect(ASCIIText.crlfLines(Array(text.utf8)) == text.components(separatedBy: "\r\n"))
    }

    @Test("Invalid UTF-8 in a line is replaced, the lines stay split")
    func invalidUTF8() {
        let lines = ASCIIText.crlfLines([0x41, 0xFF, 0x0D, 0x0A, 0x42])
        #expect(lines == ["A\u{FFFD}", "B"])
    }

    @Test("HTML escaping replaces the five characters and keeps every other one, multi-byte ones included", arguments: [
        ("plain text", "plain text"),
        ("<a href=\"x\">Tom & Jerry's</a>", "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"),
        ("Agrément <FAI> — 25 000 FCFA 🇧🇯", "Agrément &lt;FAI&gt; — 25 000 FCFA 🇧🇯"),
        ("", ""),
    ])
    func htmlEscaping(text: String, escaped: String) {
        #expect(text.htmlEscaped == escaped)
    }

    @Test func hexOfAnArrayMatchesHexOfAnySequence() {
        let bytes: [UInt8] = [0x00, 0x0F, 0xA5, 0xFF, 0x10]
        #expect(Hex.encode(bytes) == "000FA5FF10")
        #expect(Hex.encode(bytes, uppercase: false) == "000fa5ff10")
        #expect(Hex.encode(bytes[1...]) == "0FA5FF10", "the generic path, for slices")
        #expect(Hex.encode([UInt8]()) == "")
    }

    @Test func bytesKeysAreEqualAndHashEqualForEqualBytes() {
        var cache: [BytesKey: Int] = [:]
        cache[BytesKey(Array("certificate DER".utf8))] = 1
        #expect(cache[BytesKey(Array("certificate DER".utf8))] == 1)
        #expect(cache[BytesKey(Array("certificate DEX".utf8))] == nil)
        #expect(BytesKey([]) != BytesKey([0]))
    }
}
