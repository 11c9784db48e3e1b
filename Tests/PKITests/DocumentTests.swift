import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("Document register and public verification")
struct DocumentTests {
    /// The page's script must parse (a quote in a French message once broke it): `node --check` is the
    /// oracle when Node.js is installed, as on the project's machines.
    static func checkScriptSyntax(_ html: String) throws {
        let start = try #require(html.range(of: "<script>"))
        let end = try #require(html.range(of: "</script>"))
        let script = String(html[start.upperBound..<end.lowerBound])
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/node") else { return }
        let directory = try TemporaryDirectory("js")
        try directory.write("page.js", script)
        let result = try ChildProcess.run("/usr/bin/node", ["--check", directory.path("page.js")])
        #expect(result.status == 0, "the verification page's script does not parse: \(result.errorText)")
    }

    let content = Array("{\"agrement\":\"AGR-FAI-2026-000042\",\"titulaire\":\"Démo SARL\"}\n".utf8)

    func register(_ fixture: PKIFixture, expiresAt: Date? = nil) throws -> RegisteredDocument {
        try fixture.authority.register(
            .bytes(name: "agrement.json", content), type: "AGREMENT_FAI", title: "Agrément FAI", holder: "Démo SARL",
            expiresAt: expiresAt, keyID: "seal-arcep-sandbox").0
    }

    @Test func aRegisteredDocumentIsValidAndItsSignatureVerifies() throws {
        let fixture = try PKIFixture()
        let document = try register(fixture)
        #expect(document.id.hasPrefix("doc_"))
        #expect(document.signatureFormat == "CAdES_BASELINE_T")
        let result = fixture.authority.verify(documentID: document.id)
        #expect(result.status == "VALID")
        #expect(result.document?.digest["value"] == Hex.encode(DigestAlgorithm.sha256.hash(content), uppercase: false))
        #expect(result.checks.map(\.type) == ["DOCUMENT_INTEGRITY", "DOCUMENT_STATUS", "ISSUER_IDENTITY"])
        #expect(result.checks.last?.data?["indication"] == "TOTAL_PASSED")
        #expect(fixture.authority.verificationURL(document.id) == "http://localhost:8090/verify/\(document.id)")
    }

    @Test func withdrawingADocumentLeavesTheSealAlone() throws {
        let fixture = try PKIFixture()
        let document = try register(fixture)
        _ = try fixture.authority.revokeDocument(document.id, reason: .withdrawn, supersededBy: nil)
        #expect(fixture.authority.verify(documentID: document.id).status == "REVOKED")
        #expect(throws: Problem.self) { try fixture.authority.revokeDocument(document.id, reason: .withdrawn, supersededBy: nil) }
        let seal = try #require(fixture.authority.signingKeys.first).certificate
        #expect(try fixture.authority.status(serial: seal.serialNumber).status == .good)
    }

    @Test func aSealRevokedAfterTheTimestampedSignatureKeepsTheDocumentValid() throws {
        let fixture = try PKIFixture()
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        fixture.clock.set(start)
        let document = try register(fixture)
        fixture.clock.set(start.addingTimeInterval(120))
        _ = try fixture.authority.revoke(serial: try #require(fixture.authority.signingKeys.first).certificate.serialNumber, reason: .keyCompromise, at: nil)
        let result = fixture.authority.verify(documentID: document.id)
        #expect(result.status == "VALID")
        #expect(result.signatureReport?.warnings.map(\.key).contains("REVOKED_AFTER_TIMESTAMP") == true)
    }

    @Test func expiryAndUnknownDocuments() throws {
        let fixture = try PKIFixture()
        let document = try register(fixture, expiresAt: fixture.clock.now().addingTimeInterval(3600))
        #expect(fixture.authority.verify(documentID: document.id).status == "VALID")
        fixture.clock.advance(by: 7200)
        #expect(fixture.authority.verify(documentID: document.id).status == "EXPIRED")
        #expect(fixture.authority.verify(documentID: "doc_UNKNOWN").status == "UNKNOWN")
        #expect(fixture.authority.verify(documentID: "../../etc/passwd").status == "UNKNOWN")
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.register(.bytes(name: "x", content), type: "T", title: " ", holder: "H", expiresAt: nil, keyID: "seal-arcep-sandbox")
        }
        #expect(problem.errors.first?.field == "title")
    }

    @Test func endpointsPageAndQRCode() async throws {
        let fixture = try PKIFixture()
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in
            let admin: HTTPFields = [.contentType: "application/json", .authorization: "Bearer test-admin-token-0123456789"]
            let body = """
                {"document":{"name":"agrement.json","bytes":"\(Data(content).base64EncodedString())"},"type":"AGREMENT_FAI",
                 "title":"Agrément FAI","holder":"Démo SARL"}
                """
            let id = try await client.execute(uri: "/pki/v1/documents", method: .post, headers: admin, body: ByteBuffer(string: body)) { response async throws -> String in
                #expect(response.status == .created)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect((json["verification"] as? [String: String])?["url"]?.hasPrefix("http://localhost:8090/verify/doc_") == true)
                return try #require(json["documentId"] as? String)
            }
            try await client.execute(uri: "/verify/\(id)", method: .get) { response async throws in
                let html = String(buffer: response.body)
                #expect(html.contains("Valide") && html.contains("Démo SARL") && html.contains("crypto.subtle.digest"))
                #expect(html.contains(Hex.encode(DigestAlgorithm.sha256.hash(content), uppercase: false)))
            }
            for language in ["fr", "en"] {
                try await client.execute(uri: "/verify/\(id)?lang=\(language)", method: .get) { response async throws in
                    let html = String(buffer: response.body)
                    #expect(html.contains(language == "fr" ? "Valide" : "Valid"))
                    try Self.checkScriptSyntax(html)
                }
            }
            try await client.execute(uri: "/pki/v1/documents/\(id)/qr.png", method: .get) { response async throws in
                #expect(response.headers[.contentType] == "image/png")
                let directory = try TemporaryDirectory("qr")
                try directory.write("qr.png", Array(response.body.readableBytesView))
                #expect(try QRCodeTests.decode("qr.png", in: directory.url) == "http://localhost:8090/verify/\(id)")
            }
            try await client.execute(uri: "/pki/v1/documents/\(id)/qr.svg", method: .get) { response async throws in
                #expect(response.headers[.contentType] == "image/svg+xml")
            }
            try await client.execute(uri: "/pki/v1/documents/\(id)/revoke", method: .post, headers: admin, body: ByteBuffer(string: #"{"reason":"WITHDRAWN"}"#)) { response async throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/verify/\(id)", method: .get) { response async throws in
                #expect(String(buffer: response.body).contains("Retiré par l'émetteur"))
            }
            try await client.execute(uri: "/pki/v1/documents/\(id)/verification", method: .get) { response async throws in
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(json["status"] as? String == "REVOKED")
            }
            try await client.execute(uri: "/verify/doc_NOPE", method: .get) { response async throws in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("Inconnu"))
            }
            try await client.execute(uri: "/pki/v1/documents/doc_NOPE/qr.png", method: .get) { response async throws in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/pki/v1/documents/\(id)/revoke", method: .post, headers: admin, body: ByteBuffer(string: #"{"reason":"LOST"}"#)) { response async throws in
                #expect(response.status == .badRequest)
            }
        }
    }
}
