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

/// The two-step flow: the PKI prepares, a key it never sees signs (here the `openssl` command line, as a
/// trainee's smart card or HSM would), the PKI assembles.
@Suite("Signing with a key the caller holds")
struct ExternalKeySigningTests {
    let document = Array("Demande d'agrément FAI — pièce signée par le représentant légal\n".utf8)
    let admin: HTTPFields = [.contentType: "application/json", .authorization: "Bearer test-admin-token-0123456789"]

    /// A person's certificate from the sandbox CA, its key written to `person.key` for openssl.
    func person(_ fixture: PKIFixture, key algorithm: KeyAlgorithm = .ecdsaP256) throws -> (Certificate, PrivateKey) {
        let (certificate, key) = try fixture.authority.issueWithGeneratedKey(
            profile: "signature-person", subject: ["commonName": "Awa Dossou", "serialNumber": "NPI-1234567890"],
            subjectAltNames: nil, keyAlgorithm: algorithm, validityDays: nil)
        try fixture.directory.write("person.key", try key.pkcs8PEM())
        return (certificate, key)
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    func prepareBody(_ certificate: Certificate, level: String) -> ByteBuffer {
        let pem = certificate.pem.replacingOccurrences(of: "\n", with: "\\n")
        return ByteBuffer(string: #"{"document":{"name":"piece.txt","bytes":"\#(Data(document).base64EncodedString())"},"signingCertificate":"\#(pem)","level":"\#(level)"}"#)
    }

    func assembleBody(id: String, value: [UInt8]) -> ByteBuffer {
        ByteBuffer(string: #"{"id":"\#(id)","signatureValue":"\#(Data(value).base64EncodedString())"}"#)
    }

    @Test func dataToSignIsTheDERSetOfSignedAttributesThatOpenSSLVerifies() throws {
        let fixture = try PKIFixture()
        let (certificate, key) = try person(fixture)
        let prepared = try CAdESSignature.prepare(
            digest: DigestAlgorithm.sha256.hash(document), digestAlgorithm: .sha256, signer: certificate, chain: fixture.trust.chain,
            signingTime: fixture.clock.now())
        let dataToSign = try prepared.dataToSign
        #expect(dataToSign.first == 0x31)
        // A value from another key is refused and leaves the slot empty.
        let stranger = try PrivateKey.generate(.ecdsaP256)
        #expect(throws: CryptoError.self) { try prepared.insertSignatureValue(try stranger.sign(dataToSign, digest: .sha256), signer: certificate) }
        #expect(prepared.signatureValue.isEmpty)
        // Raw r‖s, as WebCrypto gives it, is accepted and stored as DER.
        let raw = try JWSSigner.rawECDSA(fromDER: try key.sign(dataToSign, digest: .sha256), length: 32)
        try prepared.insertSignatureValue(raw, signer: certificate)
        #expect(prepared.signatureValue.first == 0x30)

        try fixture.writeTrustFiles()
        try fixture.directory.write("doc.txt", document)
        try fixture.directory.write("sig.p7s", try prepared.der)
        let verified = try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-content", "doc.txt", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
            in: fixture.directory.url)
        #expect(verified.all.contains("Verification successful"), "\(verified)")
    }

    @Test(arguments: [KeyAlgorithm.ecdsaP256, .rsa(bits: 2048)])
    func twoStepsOverHTTPWithOpenSSLAsTheKeyHolder(key algorithm: KeyAlgorithm) async throws {
        let fixture = try PKIFixture()
        let (certificate, _) = try person(fixture, key: algorithm)
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in
            let prepared = try await client.execute(
                uri: "/pki/v1/signatures/data-to-sign", method: .post, headers: admin, body: prepareBody(certificate, level: "BASELINE_T"))
            #expect(prepared.status == .created)
            let step1 = try json(prepared)
            let id = try #require(step1["id"] as? String)
            let encodedDataToSign = try #require(step1["dataToSign"] as? String)
            let dataToSign = try #require(Data(base64Encoded: encodedDataToSign))
            #expect((step1["signer"] as? String)?.contains("Awa Dossou") == true)

            try fixture.directory.write("dts.bin", [UInt8](dataToSign))
            let signed = try OpenSSLCommand.run(["dgst", "-sha256", "-sign", "person.key", "-out", "value.bin", "dts.bin"], in: fixture.directory.url)
            #expect(signed.status == 0, "\(signed)")
            let value = [UInt8](try Data(contentsOf: fixture.directory.file("value.bin")))

            let assembled = try await client.execute(uri: "/pki/v1/signatures/assemble", method: .post, headers: admin, body: assembleBody(id: id, value: value))
            #expect(assembled.status == .created)
            let step2 = try json(assembled)
            #expect(step2["signatureFormat"] as? String == "CAdES_BASELINE_T")
            #expect((step2["signer"] as? [String: Any])?["serialNumber"] as? String == certificate.serialNumber.hex)
            let encodedSignature = try #require(step2["signature"] as? String)
            let signature = try #require(Data(base64Encoded: encodedSignature))

            try fixture.writeTrustFiles()
            try fixture.directory.write("doc.txt", document)
            try fixture.directory.write("sig.p7s", [UInt8](signature))
            let verified = try OpenSSLCommand.run(
                ["cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-content", "doc.txt", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
                in: fixture.directory.url)
            #expect(verified.all.contains("Verification successful"), "\(verified)")

            let report = fixture.authority.validate(signature: [UInt8](signature), name: "sig.p7s", originals: [.bytes(name: "doc.txt", document)])
            #expect(report.indication == .totalPassed, "\(report.signatures.first?.errors ?? [])")
            #expect(report.signatures.first?.signatureFormat == "CAdES_BASELINE_T")

            // One assembly per preparation.
            let again = try await client.execute(uri: "/pki/v1/signatures/assemble", method: .post, headers: admin, body: assembleBody(id: id, value: value))
            #expect(again.status == .conflict)
        }
    }

    @Test func refusalsNameWhatIsWrong() async throws {
        let fixture = try PKIFixture()
        let (certificate, _) = try person(fixture)
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in
            func field(_ response: TestResponse) throws -> String? {
                ((try json(response)["errors"] as? [[String: Any]])?.first?["field"]) as? String
            }
            let unauthenticated = try await client.execute(
                uri: "/pki/v1/signatures/data-to-sign", method: .post, headers: [.contentType: "application/json"], body: prepareBody(certificate, level: "BASELINE_B"))
            #expect(unauthenticated.status == .unauthorized)

            let notACertificate = try await client.execute(
                uri: "/pki/v1/signatures/data-to-sign", method: .post, headers: admin,
                body: ByteBuffer(string: #"{"document":{"bytes":"aGVsbG8="},"signingCertificate":"bm90IGEgY2VydA=="}"#))
            #expect(notACertificate.status == .badRequest)
            #expect(try field(notACertificate) == "signingCertificate")

            // A CA certificate signs certificates, not documents.
            let caCertificate = try await client.execute(
                uri: "/pki/v1/signatures/data-to-sign", method: .post, headers: admin, body: prepareBody(fixture.trust.issuing, level: "BASELINE_B"))
            #expect(caCertificate.status == .badRequest)
            #expect(try field(caCertificate) == "signingCertificate")
            #expect((try json(caCertificate)["detail"] as? String)?.contains("keyCertSign") == true)

            fixture.clock.advance(by: 4 * 365 * 86_400)
            let expired = try await client.execute(
                uri: "/pki/v1/signatures/data-to-sign", method: .post, headers: admin, body: prepareBody(certificate, level: "BASELINE_B"))
            #expect(expired.status == .badRequest)
            #expect(try field(expired) == "signingCertificate")
            fixture.clock.reset()

            let prepared = try await client.execute(
                uri: "/pki/v1/signatures/data-to-sign", method: .post, headers: admin, body: prepareBody(certificate, level: "BASELINE_B"))
            let id = try #require(try json(prepared)["id"] as? String)
            let wrongKey = try PrivateKey.generate(.ecdsaP256).sign([1, 2, 3], digest: .sha256)
            let refused = try await client.execute(uri: "/pki/v1/signatures/assemble", method: .post, headers: admin, body: assembleBody(id: id, value: wrongKey))
            #expect(refused.status == .badRequest)
            #expect(try field(refused) == "signatureValue")

            let unknown = try await client.execute(uri: "/pki/v1/signatures/assemble", method: .post, headers: admin, body: assembleBody(id: "dts_NOPE", value: wrongKey))
            #expect(unknown.status == .notFound)

            fixture.clock.advance(by: 2 * 3600)
            let late = try await client.execute(uri: "/pki/v1/signatures/assemble", method: .post, headers: admin, body: assembleBody(id: id, value: wrongKey))
            #expect(late.status == .gone)
        }
    }

    @Test func aPreparedSignatureSurvivesARestart() throws {
        let fixture = try PKIFixture()
        let (certificate, key) = try person(fixture)
        let pending = try fixture.authority.prepareSignature(.bytes(name: "d.txt", document), certificate: certificate, chain: [], level: .baselineB)
        let restarted = try CertificateAuthority(configuration: fixture.configuration, clock: fixture.clock, logger: PKIFixture.logger)
        let result = try restarted.assembleSignature(id: pending.id, signatureValue: try key.sign(pending.dataToSign, digest: .sha256))
        #expect(result.keyID == nil)
        #expect(result.signingTime == pending.signingTime)
        let report = restarted.validate(signature: result.signature, name: "d.p7s", originals: [.bytes(name: "d.txt", document)])
        #expect(report.indication == .totalPassed)
    }
}
