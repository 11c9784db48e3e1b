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
}
