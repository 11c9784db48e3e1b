import Foundation
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("OCSP and RFC 3161")
struct OCSPAndTimestampTests {
    let pki: TestHierarchy
    init() throws { pki = try TestHierarchy() }

    @Test func requestRoundTripAndIssuerMatching() throws {
        let request = try OCSPRequest.create(certificate: pki.leaf, issuer: pki.issuing)
        let parsed = try OCSPRequest(der: request.der)
        let id = try #require(parsed.certificateIDs.first)
        #expect(id.serialNumber == pki.leaf.serialNumber)
        #expect(id.hashAlgorithm == .sha1)
        #expect(id.isIssued(by: pki.issuing))
        #expect(!id.isIssued(by: pki.root))
        #expect(parsed.nonce != nil)
        #expect(try OCSPRequest.create(certificate: pki.leaf, issuer: pki.issuing, digest: .sha256, includeNonce: false).nonce == nil)
        #expect(throws: CryptoError.self) { try OCSPRequest(der: [0x30, 0x01, 0x00]) }
    }

    @Test func requestsMadeByOpenSSLParse() throws {
        let directory = try TemporaryDirectory()
        try directory.write("issuing.pem", pki.issuing.pem)
        try directory.write("leaf.pem", pki.leaf.pem)
        // openssl wants the CertID digest before -cert.
        for (options, hash, nonce) in [(["-no_nonce"], DigestAlgorithm.sha1, false), (["-sha256"], .sha256, true)] {
            try? FileManager.default.removeItem(at: directory.file("req.der"))
            let made = try OpenSSLCommand.run(["ocsp", "-issuer", "issuing.pem"] + options + ["-cert", "leaf.pem", "-reqout", "req.der"], in: directory.url)
            #expect(made.status == 0, "\(made)")
            let request = try OCSPRequest(der: try directory.read("req.der"))
            #expect(request.certificateIDs.first?.isIssued(by: pki.issuing) == true)
            #expect(request.certificateIDs.first?.hashAlgorithm == hash)
            #expect(request.certificateIDs.first?.serialNumber == pki.leaf.serialNumber)
            #expect((request.nonce != nil) == nonce)
        }
    }

    @Test func signedResponseIsVerifiedByUsAndByOpenSSL() throws {
        let (revoked, _) = try TestHierarchy.leaf(issuing: pki.issuing, issuingKey: pki.issuingKey, commonName: "revoked.local")
        let request = try OCSPRequest.create(certificate: pki.leaf, issuer: pki.issuing)
        let second = try OCSPRequest.create(certificate: revoked, issuer: pki.issuing)
        let produced = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let revokedAt = produced.addingTimeInterval(-3600)
        let der = try OCSPResponseBuilder.build(
            request: request,
            answers: [
                (request.certificateIDs[0], .good), (second.certificateIDs[0], .revoked(time: revokedAt, reason: .keyCompromise)),
            ],
            signer: pki.ocsp, signerKey: pki.ocspKey, producedAt: produced, nextUpdate: produced.addingTimeInterval(3600))
        let response = try OCSPResponse(der: der)
        #expect(response.status == .successful)
        #expect(response.producedAt == produced)
        #expect(response.nonceMatches(request))
        #expect(response.responses.map(\.status) == [.good, .revoked(time: revokedAt, reason: .keyCompromise)])
        #expect(response.certificates == [pki.ocsp])
        try response.verifySignature(trustedRoots: [pki.root], intermediates: [pki.issuing])
        let stranger = try TestHierarchy()
        #expect(throws: CryptoError.self) { try response.verifySignature(trustedRoots: [stranger.root], intermediates: [pki.issuing]) }

        let directory = try TemporaryDirectory()
        try directory.write("resp.der", der)
        try directory.write("root.pem", pki.root.pem)
        try directory.write("issuing.pem", pki.issuing.pem)
        try directory.write("leaf.pem", pki.leaf.pem)
        let checked = try OpenSSLCommand.run(
            // -cert makes openssl build its own request (with no nonce here) to find the answer about leaf.pem.
            ["ocsp", "-respin", "resp.der", "-no_nonce", "-issuer", "issuing.pem", "-cert", "leaf.pem", "-CAfile", "root.pem"],
            in: directory.url)
        #expect(checked.all.contains("Response verify OK"), "\(checked)")
        #expect(checked.output.contains("leaf.pem: good"))
    }

    @Test func noNonceOnEitherSideIsNotAMismatch() throws {
        let request = try OCSPRequest.create(certificate: pki.leaf, issuer: pki.issuing, includeNonce: false)
        let response = try OCSPResponse(der: try OCSPResponseBuilder.build(
            request: request, answers: [(request.certificateIDs[0], .good)], signer: pki.ocsp, signerKey: pki.ocspKey,
            producedAt: Date(), nextUpdate: nil))
        #expect(response.nonce == nil)
        #expect(response.nonceMatches(request))
    }

    @Test func errorResponsesCarryOnlyTheirStatus() throws {
        #expect(try OCSPResponse(der: OCSPResponseBuilder.error(.malformedRequest)).status == .malformedRequest)
        #expect(try OCSPResponse(der: OCSPResponseBuilder.error(.tryLater)).responses.isEmpty)
    }

    func authority() throws -> TimestampAuthority {
        try TimestampAuthority(certificate: pki.tsa, key: pki.tsaKey, chain: [pki.issuing, pki.root], policy: "2.999.1.1")
    }

    @Test func timestampGrantedAtTheGivenTimeAndVerified() throws {
        let digest = DigestAlgorithm.sha256.hash(Array("agrément".utf8))
        let query = try TimestampRequest.create(digestAlgorithm: .sha256, digest: digest)
        let parsedQuery = try TimestampRequest(der: query.der)
        #expect(parsedQuery.messageImprint == digest && parsedQuery.certificateRequested && parsedQuery.digestAlgorithm == .sha256)
        let at = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let serial = SerialNumber(bytes: [0x42, 0x42])
        let response = try TimestampResponse(der: try authority().respond(to: query.der, at: at, serialNumber: serial))
        #expect(response.status == .granted)
        let token = try #require(response.token)
        #expect(token.genTime == at)
        #expect(token.serialNumber == serial)
        #expect(token.policy == "2.999.1.1")
        #expect(token.nonce == query.nonce)
        #expect(token.messageImprint == digest)
        #expect(token.tsaName?.contains("CN=Test TSA") == true)
        #expect(token.certificates.contains(pki.tsa))
        try token.verify(digest: digest, trustedRoots: [pki.root], untrusted: [pki.issuing], at: at.addingTimeInterval(60))
        // Before the TSA certificate existed, its chain does not verify.
        #expect(throws: CryptoError.self) {
            try token.verify(digest: digest, trustedRoots: [pki.root], untrusted: [pki.issuing], at: at.addingTimeInterval(-86_400))
        }
        #expect(throws: CryptoError.self) {
            try token.verify(digest: DigestAlgorithm.sha256.hash([1]), trustedRoots: [pki.root], untrusted: [pki.issuing])
        }
    }

    @Test func opensslVerifiesOurTokens() throws {
        let directory = try TemporaryDirectory()
        try directory.write("doc.txt", "demande\n")
        try directory.write("root.pem", pki.root.pem)
        try directory.write("chain.pem", pki.issuing.pem + pki.root.pem)
        _ = try OpenSSLCommand.run(["ts", "-query", "-data", "doc.txt", "-sha512", "-cert", "-out", "q.tsq"], in: directory.url)
        try directory.write("r.tsr", try authority().respond(to: try directory.read("q.tsq"), at: Date(), serialNumber: .random()))
        let verified = try OpenSSLCommand.run(["ts", "-verify", "-queryfile", "q.tsq", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem"], in: directory.url)
        #expect(verified.all.contains("Verification: OK"), "\(verified)")
        let text = try OpenSSLCommand.run(["ts", "-reply", "-in", "r.tsr", "-text"], in: directory.url).output
        #expect(text.contains("Policy OID: 2.999.1.1"))
        #expect(text.contains("Test TSA"))
    }

    @Test func unacceptableQueriesAreRejectedNotThrown() throws {
        let sha1 = try TimestampRequest.create(digestAlgorithm: .sha1, digest: DigestAlgorithm.sha1.hash([1]))
        let response = try TimestampResponse(der: try authority().respond(to: sha1.der, at: Date(), serialNumber: .random()))
        #expect(response.status == .rejection)
        #expect(response.token == nil)
        #expect(throws: CryptoError.self) { try TimestampRequest(der: Array("garbage".utf8)) }
        #expect(throws: CryptoError.self) { try TimestampRequest.create(digestAlgorithm: .sha256, digest: [1, 2, 3]) }
    }

    @Test func aCertificateWithoutTheTimeStampingUsageCannotBeATSA() throws {
        #expect(throws: CryptoError.self) { try TimestampAuthority(certificate: pki.leaf, key: pki.leafKey, chain: [], policy: "2.999.1.1") }
        #expect(throws: CryptoError.self) { try TimestampAuthority(certificate: pki.tsa, key: pki.leafKey, chain: [], policy: "2.999.1.1") }
    }
}
