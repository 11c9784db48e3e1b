import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("Signature validation (ETSI indications)")
struct ValidationTests {
    let document = Array("{\"agrement\":\"AGR-FAI-2026-000042\"}\n".utf8)
    let seal = "seal-arcep-sandbox"

    func validate(_ fixture: PKIFixture, _ signature: [UInt8], content: [UInt8]?, at time: Date? = nil) -> SignatureReport {
        let originals: [DocumentInput] = content.map { [.bytes(name: "agrement.json", $0)] } ?? []
        let report = fixture.authority.validate(signature: signature, name: "agrement.p7s", originals: originals, at: time, detailed: true)
        #expect(report.signatures.count == 1)
        #expect(report.indication == report.signatures[0].indication)
        return report.signatures[0]
    }

    func sealSerial(_ fixture: PKIFixture) throws -> SerialNumber {
        try #require(fixture.authority.signingKeys.first).certificate.serialNumber
    }

    @Test func validBaselineB() throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineB, keyID: seal)
        let report = validate(fixture, signed.signature, content: document)
        #expect(report.indication == .totalPassed, "\(report.errors)")
        #expect(report.subIndication == nil)
        #expect(report.signatureFormat == "CAdES_BASELINE_B")
        #expect(report.warnings.map(\.key) == ["NOT_QUALIFIED"])
        #expect(report.certificateChain.count == 3)
        #expect(report.certificateChain[0].revocation?.source == "OCSP")
        #expect(report.certificateChain[0].revocation?.status == "GOOD")
        #expect(report.certificateChain[1].revocation?.source == "CRL")
        #expect(report.certificateChain[2].trusted)
        #expect(report.signatureScopes.first?.scope == "FULL")
        #expect(report.claimedSigningTime != nil)
    }

    @Test func validBaselineTHasATimestampAsProofOfExistence() throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineT, keyID: seal)
        let report = validate(fixture, signed.signature, content: document)
        #expect(report.indication == .totalPassed, "\(report.errors)")
        #expect(report.timestamps.first?.indication == .passed)
        #expect(report.bestSignatureTime == report.timestamps.first?.productionTime)
    }

    @Test func tamperedContentIsAHashFailure() throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineB, keyID: seal)
        var tampered = document
        tampered[4] ^= 1
        let report = validate(fixture, signed.signature, content: tampered)
        #expect(report.indication == .totalFailed)
        #expect(report.subIndication == .hashFailure)
        #expect(report.errors.first?.message.contains("modifié") == true)
    }

    @Test func aCorruptedSignatureValueIsASignatureCryptoFailure() throws {
        let fixture = try PKIFixture()
        var signature = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineB, keyID: seal).signature
        signature[signature.count - 1] ^= 0x01  // last byte of the ECDSA value, inside the SignerInfo
        let report = validate(fixture, signature, content: document)
        #expect(report.subIndication == .sigCryptoFailure)
        #expect(report.indication == .totalFailed)
    }

    @Test func missingDetachedContent() throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineB, keyID: seal)
        let report = validate(fixture, signed.signature, content: nil)
        #expect(report.indication == .indeterminate)
        #expect(report.subIndication == .signedDataNotFound)
    }

    @Test func aDigestInsteadOfTheDocument() throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineB, keyID: seal)
        let report = fixture.authority.validate(
            signature: signed.signature, name: "s", originals: [.digest(name: "agrement.json", .sha256, DigestAlgorithm.sha256.hash(document))])
        #expect(report.indication == .totalPassed)
        #expect(report.signatures[0].signatureScopes.first?.scope == "DIGEST")
        #expect(report.signatures[0].infos.map(\.key) == ["DIGEST_ONLY"])
    }

    @Test func revokedWithoutProofOfExistence() throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineB, keyID: seal)
        _ = try fixture.authority.revoke(serial: try sealSerial(fixture), reason: .keyCompromise, at: nil)
        let report = validate(fixture, signed.signature, content: document)
        #expect(report.indication == .indeterminate)
        #expect(report.subIndication == .revokedNoPOE)
        #expect(report.certificateChain[0].revocation?.status == "REVOKED")
        #expect(report.certificateChain[0].revocation?.reason == "keyCompromise")
    }

    @Test func revokedAfterTheTimestampPassesWithAWarning() throws {
        let fixture = try PKIFixture()
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        fixture.clock.set(start)
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineT, keyID: seal)
        fixture.clock.set(start.addingTimeInterval(60))
        _ = try fixture.authority.revoke(serial: try sealSerial(fixture), reason: .keyCompromise, at: nil)
        let report = validate(fixture, signed.signature, content: document)
        #expect(report.indication == .totalPassed, "\(report.errors)")
        #expect(report.warnings.map(\.key).contains("REVOKED_AFTER_TIMESTAMP"))
    }

    @Test func timestampAfterTheRevocationFails() throws {
        let fixture = try PKIFixture()
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        fixture.clock.set(start)
        _ = try fixture.authority.revoke(serial: try sealSerial(fixture), reason: .keyCompromise, at: nil)
        fixture.clock.set(start.addingTimeInterval(60))
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineT, keyID: seal)
        let report = validate(fixture, signed.signature, content: document)
        #expect(report.indication == .totalFailed)
        #expect(report.subIndication == .revoked)
    }

    @Test func expiredWithAndWithoutTimestamp() throws {
        let fixture = try PKIFixture()
        let later = Date().addingTimeInterval(4 * 365 * 86_400)  // past the seal (3 years), before the TSA (5 years)
        let plain = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineB, keyID: seal)
        let stamped = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineT, keyID: seal)
        let expired = validate(fixture, plain.signature, content: document, at: later)
        #expect(expired.indication == .indeterminate)
        #expect(expired.subIndication == .outOfBoundsNoPOE)
        let proven = validate(fixture, stamped.signature, content: document, at: later)
        #expect(proven.indication == .totalPassed, "\(proven.errors)")
        #expect(proven.warnings.map(\.key).contains("CERTIFICATE_VALID_AT_TIMESTAMP"))
    }

    @Test func opensslCAdESWithOurCertificatePassesAndAForeignRootDoesNot() throws {
        let fixture = try PKIFixture()
        try fixture.writeTrustFiles()
        let (certificate, key) = try fixture.authority.issueWithGeneratedKey(
            profile: "signature-person", subject: ["commonName": "Awa Dossou", "serialNumber": "PNOBJ-1234567890"], subjectAltNames: nil,
            keyAlgorithm: .ecdsaP256, validityDays: nil)
        let directory = fixture.directory
        try directory.write("doc.json", document)
        try directory.write("signer.pem", certificate.pem)
        try directory.write("signer.key", try key.pkcs8PEM())
        let ours = try OpenSSLCommand.run(
            ["cms", "-sign", "-binary", "-cades", "-md", "sha256", "-in", "doc.json", "-signer", "signer.pem", "-inkey", "signer.key",
             "-certfile", "issuing.pem", "-outform", "DER", "-out", "ours.p7s"], in: directory.url)
        #expect(ours.status == 0, "\(ours)")
        let passed = validate(fixture, try directory.read("ours.p7s"), content: document)
        #expect(passed.indication == .totalPassed, "\(passed.errors)")

        let foreign = try OpenSSLCommand.run(
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "f.key", "-out", "f.pem",
             "-subj", "/CN=Not the sandbox", "-days", "30"], in: directory.url)
        #expect(foreign.status == 0)
        _ = try OpenSSLCommand.run(
            ["cms", "-sign", "-binary", "-cades", "-md", "sha256", "-in", "doc.json", "-signer", "f.pem", "-inkey", "f.key", "-outform", "DER", "-out", "f.p7s"],
            in: directory.url)
        let untrusted = validate(fixture, try directory.read("f.p7s"), content: document)
        #expect(untrusted.indication == .indeterminate)
        #expect(untrusted.subIndication == .noCertificateChainFound)
    }

    @Test func jwsCases() throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .jades, level: .baselineB, keyID: seal)
        #expect(validate(fixture, signed.signature, content: document).indication == .totalPassed)
        var tampered = document
        tampered[2] ^= 1
        #expect(validate(fixture, signed.signature, content: tampered).subIndication == .sigCryptoFailure)
        #expect(validate(fixture, signed.signature, content: nil).subIndication == .signedDataNotFound)
    }

    @Test func garbageIsAFormatFailureNotAnError() throws {
        let fixture = try PKIFixture()
        let report = validate(fixture, Array("this is not a signature".utf8), content: document)
        #expect(report.indication == .totalFailed)
        #expect(report.subIndication == .formatFailure)
    }

    @Test func certificateValidation() throws {
        let fixture = try PKIFixture()
        let sealCertificate = try #require(fixture.authority.signingKeys.first).certificate
        let good = fixture.authority.validate(certificate: sealCertificate, chain: [])
        #expect(good.indication == .passed)
        #expect(good.revocation?.status == "GOOD")
        #expect(good.trustAnchor?.contains("BJ-SANDBOX Root CA") == true)
        _ = try fixture.authority.revoke(serial: sealCertificate.serialNumber, reason: .superseded, at: nil)
        let revoked = fixture.authority.validate(certificate: sealCertificate, chain: [])
        #expect(revoked.indication == .indeterminate)
        #expect(revoked.subIndication == .revokedNoPOE)
    }

    @Test func validationEndpoints() async throws {
        let fixture = try PKIFixture()
        let signed = try fixture.authority.sign(.bytes(name: "a", document), format: .cades, level: .baselineT, keyID: seal)
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in
            let body = """
                {"signedDocument":{"name":"a.p7s","bytes":"\(Data(signed.signature).base64EncodedString())"},
                 "originalDocuments":[{"name":"a.json","bytes":"\(Data(document).base64EncodedString())"}],"reportType":"DETAILED"}
                """
            try await client.execute(uri: "/pki/v1/validations", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response async throws in
                #expect(response.status == .ok)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let report = try #require(json["validationReport"] as? [String: Any])
                #expect(report["indication"] as? String == "TOTAL_PASSED")
                #expect(report["reportType"] as? String == "DETAILED")
            }
            let tampered = body.replacingOccurrences(of: Data(document).base64EncodedString(), with: Data(Array("autre".utf8)).base64EncodedString())
            try await client.execute(uri: "/pki/v1/validations", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: tampered)) { response async throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("HASH_FAILURE"))
            }
            try await client.execute(uri: "/pki/v1/validations", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"signedDocument":{"bytes":"%%%"}}"#)) { response async throws in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("signedDocument.bytes"))
            }
            try await client.execute(uri: "/pki/v1/validations/certificate", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"certificate":"nope"}"#)) { response async throws in
                #expect(response.status == .badRequest)
            }
        }
    }
}
