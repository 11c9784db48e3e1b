import Foundation
import HTTPTypes
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("Revocation, CRLs and OCSP")
struct RevocationTests {
    @Test func revocationIsListedInANewCRLAtOnce() throws {
        let fixture = try PKIFixture()
        let certificate = try fixture.issueTLS()
        let before = try fixture.authority.crl(caID: "issuing")
        let (record, number) = try fixture.authority.revoke(serial: certificate.serialNumber, reason: .keyCompromise, at: nil)
        #expect(record.status == .revoked)
        #expect(number == (before.number ?? 0) + 1)
        let crl = try fixture.authority.crl(caID: "issuing")
        #expect(crl.number == number)
        #expect(crl.revoked.map(\.serialNumber) == [certificate.serialNumber])
        #expect(crl.revoked.first?.reason == .keyCompromise)
        #expect(crl.isSignatureValid(issuerKey: fixture.trust.issuing.publicKey))
    }

    @Test func secondRevocationIsAConflictAndKeepsTheFirst() throws {
        let fixture = try PKIFixture()
        let certificate = try fixture.issueTLS()
        _ = try fixture.authority.revoke(serial: certificate.serialNumber, reason: .superseded, at: nil)
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.revoke(serial: certificate.serialNumber, reason: .keyCompromise, at: nil)
        }
        #expect(problem.status == .conflict)
        #expect(try fixture.authority.status(serial: certificate.serialNumber).revocationReason == .superseded)
    }

    @Test func serviceCertificatesCannotBeRevokedOneByOne() throws {
        let fixture = try PKIFixture()
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.revoke(serial: fixture.trust.ocspResponder.serialNumber, reason: .keyCompromise, at: nil)
        }
        #expect(problem.status == .conflict)
    }

    @Test func unknownSerialIsNotFound() throws {
        let fixture = try PKIFixture()
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.revoke(serial: SerialNumber(bytes: [1, 2, 3]), reason: .unspecified, at: nil)
        }
        #expect(problem.status == .notFound)
    }

    @Test func backdatedRevocationMustLieWithinTheValidity() throws {
        let fixture = try PKIFixture()
        let certificate = try fixture.issueTLS()
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.revoke(serial: certificate.serialNumber, reason: .keyCompromise, at: Date(timeIntervalSince1970: 0))
        }
        #expect(problem.errors.first?.field == "revocationTime")
        let when = fixture.clock.now().addingTimeInterval(-30)
        let (record, _) = try fixture.authority.revoke(serial: certificate.serialNumber, reason: .keyCompromise, at: when)
        #expect(abs(record.revocationTime!.timeIntervalSince(when)) < 1)
    }

    @Test func crlIsRepublishedAtHalfLifeOnTheSandboxClock() throws {
        let fixture = try PKIFixture()
        let first = try fixture.authority.crl(caID: "issuing")
        #expect(try fixture.authority.crl(caID: "issuing").number == first.number)
        fixture.clock.advance(by: fixture.configuration.crlValidity / 2 + 60)
        let next = try fixture.authority.crl(caID: "issuing")
        #expect(next.number == (first.number ?? 0) + 1)
        #expect(next.thisUpdate > first.thisUpdate)
    }

    @Test func ocspAnswersGoodRevokedAndUnknownFromTheSameStore() throws {
        let fixture = try PKIFixture()
        let good = try fixture.issueTLS("good.local")
        let revoked = try fixture.issueTLS("revoked.local")
        _ = try fixture.authority.revoke(serial: revoked.serialNumber, reason: .keyCompromise, at: nil)
        let stranger = try Certificate.issue(
            CertificateTemplate(
                subject: DistinguishedName([.init("CN", "stranger")]), serialNumber: SerialNumber(bytes: [9, 9, 9]),
                notBefore: Date(), notAfter: Date().addingTimeInterval(3600), publicKey: try PrivateKey.generate(.ecdsaP256).publicKey,
                keyUsage: [.digitalSignature]),
            issuer: fixture.trust.issuing, issuerKey: fixture.trust.issuingKey)

        func ask(_ certificate: Certificate) throws -> OCSPCertificateStatus {
            let request = try OCSPRequest.create(certificate: certificate, issuer: fixture.trust.issuing)
            let response = try OCSPResponse(der: fixture.authority.ocspResponse(to: request.der).response)
            #expect(response.status == .successful)
            #expect(response.nonceMatches(request))
            try response.verifySignature(trustedRoots: [fixture.trust.root], intermediates: [fixture.trust.issuing])
            return try #require(response.responses.first).status
        }
        #expect(try ask(good) == .good)
        guard case .revoked(_, let reason) = try ask(revoked) else { Issue.record("expected revoked"); return }
        #expect(reason == .keyCompromise)
        #expect(try ask(stranger) == .unknown)
    }

    @Test func theIssuingCAStatusIsSignedByTheRoot() throws {
        let fixture = try PKIFixture()
        let request = try OCSPRequest.create(certificate: fixture.trust.issuing, issuer: fixture.trust.root)
        let response = try OCSPResponse(der: fixture.authority.ocspResponse(to: request.der).response)
        #expect(response.responses.first?.status == .good)
        #expect(response.certificates.first == fixture.trust.root)
        try response.verifySignature(trustedRoots: [fixture.trust.root])
    }

    @Test func malformedOCSPRequestGetsMalformedRequestNotACrash() throws {
        let fixture = try PKIFixture()
        for garbage in [[UInt8](), [0x30, 0x03, 0x02, 0x01], [UInt8](repeating: 0x41, count: 500)] {
            let response = try OCSPResponse(der: fixture.authority.ocspResponse(to: garbage).response)
            #expect(response.status == .malformedRequest)
        }
    }

    @Test func producedAtFollowsTheSandboxClock() throws {
        let fixture = try PKIFixture()
        let past = Date(timeIntervalSince1970: 1_800_000_000)
        fixture.clock.set(past)
        let request = try OCSPRequest.create(certificate: fixture.trust.tsa, issuer: fixture.trust.issuing)
        let response = try OCSPResponse(der: fixture.authority.ocspResponse(to: request.der).response)
        #expect(response.producedAt == past)
    }

    @Test func aDatabaseOfAnotherRootIsRefused() throws {
        let fixture = try PKIFixture()
        let other = try TemporaryDirectory("other-certs")
        let configuration = PKIConfiguration(
            certsDirectory: other.url, databaseURL: fixture.configuration.databaseURL, publicBaseURL: "http://localhost:8090")
        _ = try PKIBootstrap.ensure(
            configuration: PKIConfiguration(certsDirectory: other.url, databaseURL: other.file("unused.sqlite"), publicBaseURL: "http://x"),
            force: false, now: Date())
        #expect(throws: PKISetupError.self) { try CertificateAuthority(configuration: configuration, clock: SystemClock(), logger: PKIFixture.logger) }
    }
}
