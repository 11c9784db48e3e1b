import Foundation
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("CAdES detached signatures")
struct CAdESTests {
    let pki: TestHierarchy
    let seal: Certificate
    let sealKey: PrivateKey
    let document = Array("{\"agrement\":\"AGR-FAI-2026-000042\",\"titulaire\":\"Démo SARL\"}\n".utf8)

    init() throws {
        pki = try TestHierarchy()
        sealKey = try PrivateKey.generate(.ecdsaP256)
        seal = try Certificate.issue(
            CertificateTemplate(
                subject: DistinguishedName([.init("C", "BJ"), .init("O", "ARCEP"), .init("organizationIdentifier", "NTRBJ-0000000"), .init("CN", "ARCEP (SANDBOX)")]),
                notBefore: Date().addingTimeInterval(-60), notAfter: Date().addingTimeInterval(86_400 * 30), publicKey: sealKey.publicKey,
                keyUsage: [.digitalSignature, .nonRepudiation], extendedKeyUsage: ["documentSigning"]),
            issuer: pki.issuing, issuerKey: pki.issuingKey)
    }

    func sign(at time: Date = Date()) throws -> CAdESSignature {
        try CAdESSignature.sign(
            digest: DigestAlgorithm.sha256.hash(document), digestAlgorithm: .sha256, signer: seal, key: sealKey,
            chain: [pki.issuing], signingTime: time)
    }

    /// Writes the document, the signature and the root, and runs `openssl cms -verify` on them.
    func opensslVerify(_ signature: CAdESSignature, content: [UInt8]? = nil) throws -> OpenSSLCommand.Result {
        let directory = try TemporaryDirectory()
        try directory.write("doc.json", content ?? document)
        try directory.write("sig.p7s", try signature.der)
        try directory.write("root.pem", pki.root.pem)
        return try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-content", "doc.json", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
            in: directory.url)
    }

    @Test func baselineBVerifiesWithOpenSSLAndCarriesTheCAdESAttributes() throws {
        let time = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 120)
        let signature = try sign(at: time)
        let verified = try opensslVerify(signature)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.all.contains("Verification successful"))

        let directory = try TemporaryDirectory()
        try directory.write("sig.p7s", try signature.der)
        let printed = try OpenSSLCommand.run(["cms", "-cmsout", "-print", "-inform", "DER", "-in", "sig.p7s"], in: directory.url).output
        #expect(printed.contains("id-smime-aa-signingCertificateV2"))
        #expect(printed.contains("signingTime"))
        #expect(printed.contains("messageDigest"))
        #expect(printed.contains("eContent: <ABSENT>"))  // detached: the document is not inside
        #expect(try CAdESSignature(der: try signature.der).signatureValue == signature.signatureValue)
    }

    @Test func repeatedSignaturesAreWhatOpenSSLWritesAndVerifies() throws {
        let signer = try RepeatedCAdESSigner(certificate: seal, key: sealKey, digestAlgorithm: .sha256, chain: [pki.issuing])
        let time = Date(timeIntervalSince1970: 2_000_000_000)  // 2033-05-18T03:33:20Z, a UTCTime
        let der = try signer.sign(digest: DigestAlgorithm.sha256.hash(document), signingTime: time)
        let signature = try CAdESSignature(der: der)
        #expect(try opensslVerify(signature).status == 0)
        #expect(signature.messageDigest == DigestAlgorithm.sha256.hash(document))
        #expect(signature.signingTime == time)
        #expect(signature.isSignatureValid(with: seal))
        // Another document: same structure, another digest, and OpenSSL refuses it for the first document.
        var other = document
        other[5] ^= 0x20
        let second = try CAdESSignature(der: try signer.sign(digest: DigestAlgorithm.sha256.hash(other), signingTime: Date()))
        #expect(try opensslVerify(second).status != 0)
        #expect(try opensslVerify(second, content: other).status == 0)
        // Past 2049 the time is a GeneralizedTime, still read back exactly.
        let late = Date(timeIntervalSince1970: 2_600_000_000)
        #expect(try CAdESSignature(der: try signer.sign(digest: DigestAlgorithm.sha256.hash(document), signingTime: late)).signingTime == late)
        #expect(throws: CryptoError.self) { try signer.sign(digest: [1, 2, 3], signingTime: time) }
    }

    @Test func aTamperedDocumentFailsOpenSSLVerification() throws {
        var tampered = document
        tampered[5] ^= 0x20
        let refused = try opensslVerify(try sign(), content: tampered)
        #expect(refused.status != 0)
        #expect(refused.all.contains("digest failure") || refused.all.contains("Verification failure"), "\(refused)")
    }

    @Test func baselineTAddsATimestampOverTheSignatureValue() throws {
        let signature = try sign()
        let authority = try TimestampAuthority(certificate: pki.tsa, key: pki.tsaKey, chain: [pki.issuing], policy: "2.999.1.1")
        let imprint = DigestAlgorithm.sha256.hash(signature.signatureValue)
        let query = try TimestampRequest.create(digestAlgorithm: .sha256, digest: imprint)
        let token = try #require(try TimestampResponse(der: authority.respond(to: query.der, at: Date(), serialNumber: .random())).token)
        try signature.addSignatureTimestamp(token)

        let verified = try opensslVerify(signature)
        #expect(verified.status == 0, "\(verified)")
        let directory = try TemporaryDirectory()
        try directory.write("sig.p7s", try signature.der)
        let printed = try OpenSSLCommand.run(["cms", "-cmsout", "-print", "-inform", "DER", "-in", "sig.p7s"], in: directory.url).output
        #expect(printed.contains("id-smime-aa-timeStampToken"))
        try token.verify(digest: imprint, trustedRoots: [pki.root], untrusted: [pki.issuing])
    }

    @Test func inputsAreChecked() throws {
        #expect(throws: CryptoError.self) {
            try CAdESSignature.sign(digest: [1, 2, 3], digestAlgorithm: .sha256, signer: seal, key: sealKey, chain: [], signingTime: Date())
        }
        #expect(throws: CryptoError.self) {
            try CAdESSignature.sign(
                digest: DigestAlgorithm.sha256.hash(document), digestAlgorithm: .sha256, signer: seal, key: pki.leafKey, chain: [], signingTime: Date())
        }
        #expect(throws: CryptoError.self) { try CAdESSignature(der: Array("not CMS".utf8)) }
    }
}
