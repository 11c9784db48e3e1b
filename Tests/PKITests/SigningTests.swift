import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PKI
import SandboxCore
import SandboxTesting
import Testing
@testable import SandboxCrypto

@Suite("Signing with PKI-held seals")
struct SigningTests {
    let document = Array("{\"agrement\":\"AGR-FAI-2026-000042\",\"titulaire\":\"Démo SARL\"}\n".utf8)

    @Test func theARCEPSealExistsFromTheFirstStartAndPersists() throws {
        let fixture = try PKIFixture()
        let seal = try #require(fixture.authority.signingKeys.first { $0.keyID == "seal-arcep-sandbox" })
        #expect(seal.owner == "GOV/ARCEP")
        #expect(seal.certificate.isIssued(by: fixture.trust.issuing))
        #expect(seal.certificate.extensions.extendedKeyUsage == ["documentSigning"])
        #expect(seal.certificate.subject["organizationIdentifier"] == "NTRBJ-ARCEP-0000")
        #expect(try fixture.authority.status(serial: seal.certificate.serialNumber).profile == "seal-organization")
        let keyFile = fixture.directory.path("certs/private/seals/seal-arcep-sandbox.key")
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int) == 0o600)

        let restarted = try CertificateAuthority(configuration: fixture.configuration, clock: fixture.clock, logger: PKIFixture.logger)
        #expect(restarted.signingKeys.first?.certificate == seal.certificate)
    }

    /// `openssl cms -verify` of a detached signature over `document` (`-purpose any`: OpenSSL's default
    /// S/MIME purpose check refuses a seal whose only extended key usage is documentSigning).
    func opensslVerify(_ fixture: PKIFixture, signature: [UInt8], content: [UInt8]) throws -> OpenSSLCommand.Result {
        try fixture.writeTrustFiles()
        try fixture.directory.write("doc.json", content)
        try fixture.directory.write("sig.p7s", signature)
        return try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-content", "doc.json", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
            in: fixture.directory.url)
    }

    @Test func cadesBaselineBFromTheDocument() throws {
        let fixture = try PKIFixture()
        let frozen = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 30)
        fixture.clock.set(frozen)
        let result = try fixture.authority.sign(.bytes(name: "agrement.json", document), format: .cades, level: .baselineB, keyID: "seal-arcep-sandbox")
        #expect(result.formatName == "CAdES_BASELINE_B")
        #expect(result.signingTime == frozen)
        #expect(result.timestamp == nil)
        let verified = try opensslVerify(fixture, signature: result.signature, content: document)
        #expect(verified.all.contains("Verification successful"), "\(verified)")
        var tampered = document
        tampered[3] ^= 1
        #expect(try opensslVerify(fixture, signature: result.signature, content: tampered).status != 0)
    }

    @Test func cadesBaselineTFromADigestOnly() throws {
        let fixture = try PKIFixture()
        let digest = DigestAlgorithm.sha256.hash(document)
        let result = try fixture.authority.sign(.digest(name: "agrement.json", .sha256, digest), format: .cades, level: .baselineT, keyID: "seal-arcep-sandbox")
        #expect(result.formatName == "CAdES_BASELINE_T")
        let verified = try opensslVerify(fixture, signature: result.signature, content: document)
        #expect(verified.all.contains("Verification successful"), "\(verified)")
        let token = try #require(result.timestamp)
        let signatureValue = try CAdESSignature(der: result.signature).signatureValue
        try token.verify(digest: DigestAlgorithm.sha256.hash(signatureValue), trustedRoots: [fixture.trust.root], untrusted: fixture.trust.chain)
        // The same check with openssl: the token's imprint is the hash of the signature value.
        try fixture.directory.write("token.der", token.der)
        try fixture.directory.write("signature-value.bin", signatureValue)
        let stamped = try OpenSSLCommand.run(
            ["ts", "-verify", "-token_in", "-in", "token.der", "-data", "signature-value.bin", "-CAfile", "root.pem", "-untrusted", "chain.pem"],
            in: fixture.directory.url)
        #expect(stamped.all.contains("Verification: OK"), "\(stamped)")
    }

    @Test func jadesCompactDetachedVerifiesWithOpenSSL() throws {
        let fixture = try PKIFixture()
        let result = try fixture.authority.sign(.bytes(name: "agrement.json", document), format: .jades, level: .baselineB, keyID: "seal-arcep-sandbox")
        let compact = String(decoding: result.signature, as: UTF8.self)
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.count == 3 && parts[1].isEmpty)
        let headerBytes = try #require(Base64URL.decode(parts[0]))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        #expect(header["alg"] as? String == "ES256")
        #expect(header["crit"] as? [String] == ["sigT"])
        #expect((header["x5c"] as? [String])?.count == 3)
        #expect(header["x5t#S256"] as? String == Base64URL.encode(DigestAlgorithm.sha256.hash(result.signerCertificate.der)))

        let signingInput = Array("\(parts[0]).\(Base64URL.encode(document))".utf8)
        let rawSignature = try #require(Base64URL.decode(parts[2]))
        #expect(rawSignature.count == 64)
        #expect(JWSSigner.verify(rawSignature, signingInput: signingInput, key: result.signerCertificate.publicKey))
        #expect(!JWSSigner.verify(rawSignature, signingInput: signingInput + [0x20], key: result.signerCertificate.publicKey))
        try fixture.directory.write("input.txt", signingInput)
        try fixture.directory.write("sig.der", try JWSSigner.derECDSA(fromRaw: rawSignature))
        try fixture.directory.write("pub.pem", result.signerCertificate.publicKey.pem)
        let checked = try OpenSSLCommand.run(["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "input.txt"], in: fixture.directory.url)
        #expect(checked.output.contains("Verified OK"), "\(checked)")
    }

    @Test(arguments: [
        ("unknown-key", "signingKey"), ("jades-t", "level"), ("jades-digest", "document.bytes"),
        ("short-digest", "document.digest.value"), ("empty", "document.bytes"), ("sha1", "digestAlgorithm"),
    ])
    func refusalsNameTheField(case name: String, field: String) throws {
        let fixture = try PKIFixture()
        let problem = try #require(throws: Problem.self) {
            switch name {
            case "unknown-key": _ = try fixture.authority.sign(.bytes(name: "d", document), format: .cades, level: .baselineB, keyID: "nope")
            case "jades-t": _ = try fixture.authority.sign(.bytes(name: "d", document), format: .jades, level: .baselineT, keyID: "seal-arcep-sandbox")
            case "jades-digest": _ = try fixture.authority.sign(.digest(name: "d", .sha256, DigestAlgorithm.sha256.hash(document)), format: .jades, level: .baselineB, keyID: "seal-arcep-sandbox")
            case "short-digest": _ = try fixture.authority.sign(.digest(name: "d", .sha256, [1, 2]), format: .cades, level: .baselineB, keyID: "seal-arcep-sandbox")
            case "empty": _ = try fixture.authority.sign(.bytes(name: "d", []), format: .cades, level: .baselineB, keyID: "seal-arcep-sandbox")
            default: _ = try fixture.authority.sign(.bytes(name: "d", document), format: .cades, level: .baselineB, keyID: "seal-arcep-sandbox", digestAlgorithm: .sha1)
            }
        }
        #expect(problem.errors.first?.field == field, "\(problem.detail)")
    }

    @Test func signatureEndpoints() async throws {
        let fixture = try PKIFixture()
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in
            try await client.execute(uri: "/pki/v1/signing-keys", method: .get) { response async throws in
                let keys = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(keys.first?["keyId"] as? String == "seal-arcep-sandbox")
            }
            let body = #"{"document":{"name":"a.json","bytes":"\#(Data(document).base64EncodedString())"},"format":"CAdES","level":"BASELINE_T","signingKey":"seal-arcep-sandbox"}"#
            try await client.execute(uri: "/pki/v1/signatures", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response async throws in
                #expect(response.status == .unauthorized)
            }
            let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer test-admin-token-0123456789"]
            try await client.execute(uri: "/pki/v1/signatures", method: .post, headers: headers, body: ByteBuffer(string: body)) { response async throws in
                #expect(response.status == .created)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(json["signatureFormat"] as? String == "CAdES_BASELINE_T")
                #expect(json["mediaType"] as? String == "application/pkcs7-signature")
                #expect((json["timestamp"] as? [String: Any])?["serialNumber"] is String)
                let encoded = try #require(json["signature"] as? String)
                let signature = try #require(Data(base64Encoded: encoded))
                let verified = try opensslVerify(fixture, signature: [UInt8](signature), content: document)
                #expect(verified.all.contains("Verification successful"), "\(verified)")
            }
            let bad = #"{"document":{"name":"a.json"},"signingKey":"seal-arcep-sandbox"}"#
            try await client.execute(uri: "/pki/v1/signatures", method: .post, headers: headers, body: ByteBuffer(string: bad)) { response async throws in
                #expect(response.status == .badRequest)
            }
        }
    }
}
