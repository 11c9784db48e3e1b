import Foundation
import SandboxCore
import SandboxTesting
import Testing

@Suite("Admin token, files and languages")
struct AdminTokenAndLanguageTests {
    @Test func generatedTokenIsPrivateAndStable() throws {
        let directory = try TemporaryDirectory()
        let first = try AdminToken.loadOrCreate(dataDirectory: directory.url, environment: [:])
        let second = try AdminToken.loadOrCreate(dataDirectory: directory.url, environment: [:])
        #expect(first.value == second.value)
        #expect(first.value.hasPrefix("sbx_"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path("admin-token"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(first.matches(first.value))
        #expect(!first.matches(first.value + "x"))
        #expect(!first.matches(""))
    }

    @Test func environmentTokenWinsAndIsChecked() throws {
        let directory = try TemporaryDirectory()
        let token = try AdminToken.loadOrCreate(dataDirectory: directory.url, environment: ["SANDBOX_ADMIN_TOKEN": "ci-token-0123456789"])
        #expect(token.value == "ci-token-0123456789")
        #expect(!FileManager.default.fileExists(atPath: directory.path("admin-token")))
        #expect(throws: SandboxFileError.self) {
            try AdminToken.loadOrCreate(dataDirectory: directory.url, environment: ["SANDBOX_ADMIN_TOKEN": "short"])
        }
    }

    @Test func atomicWritesSetTheModeAndReplaceWholeFiles() throws {
        let directory = try TemporaryDirectory()
        let file = directory.file("sub/key.pem")
        try SandboxFiles.writeAtomically(Data("one".utf8), to: file, mode: 0o600)
        try SandboxFiles.writeAtomically(Data("two".utf8), to: file, mode: 0o600)
        #expect(try String(contentsOf: file, encoding: .utf8) == "two")
        #expect((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path("sub")) == ["key.pem"])
    }

    @Test(arguments: [
        (nil, nil, Language.fr),
        ("en", "fr", .en),
        ("FR", "en", .fr),
        (nil, "en-US,en;q=0.9", .en),
        (nil, "de-DE, en;q=0.5, fr;q=0.8", .fr),
        (nil, "de", .fr),
        (nil, "en;q=0, fr;q=0.1", .fr),
    ])
    func languageNegotiation(query: String?, acceptLanguage: String?, expected: Language) {
        #expect(Language.negotiate(query: query, acceptLanguage: acceptLanguage) == expected)
    }

    @Test func htmlEscaping() {
        #expect("<a href=\"x\">Tom & Jerry's</a>".htmlEscaped == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    }

    @Test func portProbeFindsAFreePort() throws {
        let port = try PortProbe.freePort()
        #expect(port > 1024)
        #expect(PortProbe.isFree(port: port))
    }
}
