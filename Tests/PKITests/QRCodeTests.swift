import Foundation
import FoundationXML
import PKI
import SandboxCore
import SandboxTesting
import Testing

@Suite("QR codes")
struct QRCodeTests {
    /// Decodes an image with zbarimg (Debian's zbar-tools), the external oracle for what a phone would read.
    static func decode(_ file: String, in directory: URL) throws -> String {
        try ChildProcess.run("zbarimg", ["--quiet", "--raw", file], in: directory.path).outputText
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func pngDecodesToTheEncodedURL() throws {
        let url = "http://localhost:8090/verify/doc_7KQ4ZD1X3B5V9M2C8N6P0R4T2W"
        let directory = try TemporaryDirectory("qr")
        try directory.write("qr.png", try QRCode(encoding: url).png())
        #expect(try Self.decode("qr.png", in: directory.url) == url)
    }

    @Test func svgHasTheSameModulesAndIsWellFormed() throws {
        let code = try QRCode(encoding: "http://localhost:8090/verify/doc_1")
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let dark = code.modules.joined().filter { $0 }.count
        #expect(svg.components(separatedBy: "h8v8h-8z").count - 1 == dark)
        _ = try XMLDocument(xmlString: svg)
    }
}
