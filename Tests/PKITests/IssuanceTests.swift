import Foundation
import HTTPTypes
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("Issuance under profiles")
struct IssuanceTests {
    @Test func tlsServerCertificateCarriesTheProfileExtensions() throws {
        let fixture = try PKIFixture()
        let certificate = try fixture.issueTLS("api.local")
        let extensions = certificate.extensions
        #expect(certificate.subject.commonName == "api.local")
        #expect(certificate.isIssued(by: fixture.trust.issuing))
        #expect(extensions.subjectAlternativeNames == [.dns("api.local")])
        #expect(extensions.extendedKeyUsage == ["serverAuth"])
        // EC key: keyEncipherment is dropped (RFC 5480 §3) although the profile lists it for RSA keys.
        #expect(extensions.keyUsage == [.digitalSignature])
        #expect(extensions.policies == ["2.999.1.2.5"])
        #expect(extensions.ocspURLs == ["http://localhost:8090/pki/v1/ocsp"])
        #expect(extensions.caIssuersURLs == ["http://localhost:8090/pki/v1/ca/issuing/certificate"])
        #expect(extensions.crlDistributionPoints == ["http://localhost:8090/pki/v1/crl/issuing.crl"])
        #expect(!extensions.isCA)
        #expect(try fixture.authority.status(serial: certificate.serialNumber).profile == "tls-server")
    }

    @Test func rsaKeysKeepKeyEncipherment() throws {
        let fixture = try PKIFixture()
        let key = try PrivateKey.generate(.rsa(bits: 2048))
        let request = try CertificateSigningRequest.create(
            subject: DistinguishedName([.init("C", "BJ"), .init("O", "ARCEP"), .init("CN", "ss-arcep")]), key: key)
        let certificate = try fixture.authority.issue(IssuanceRequest(csr: request, profile: "xroad-auth"))
        #expect(certificate.extensions.keyUsage == [.digitalSignature, .keyEncipherment])
        #expect(certificate.extensions.extendedKeyUsage == ["serverAuth", "clientAuth"])
    }

    @Test func sealGetsDocumentSigningAndTheOrganizationIdentifier() throws {
        let fixture = try PKIFixture()
        let (request, _) = try fixture.csr(subject: [("CN", "ARCEP Bénin (SANDBOX)")])
        let certificate = try fixture.authority.issue(
            IssuanceRequest(
                csr: request, profile: "seal-organization",
                subject: ["organizationName": "ARCEP Bénin", "organizationIdentifier": "NTRBJ-0000000"]))
        #expect(certificate.subject.description == "CN=ARCEP Bénin (SANDBOX),organizationIdentifier=NTRBJ-0000000,O=ARCEP Bénin,C=BJ")
        #expect(certificate.extensions.keyUsage == [.digitalSignature, .nonRepudiation])
        #expect(certificate.extensions.extendedKeyUsage == ["documentSigning"])
    }

    @Test func subjectAttributesOutsideTheProfileAreRefusedNamingTheField() throws {
        let fixture = try PKIFixture()
        let (request, _) = try fixture.csr(subject: [("CN", "someone")])
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.issue(IssuanceRequest(csr: request, profile: "signature-person", subject: ["organizationName": "ACME"]))
        }
        #expect(problem.status == .badRequest)
        #expect(problem.errors.first?.field == "subject.organizationName")
    }

    @Test func missingRequiredAttributeIsNamed() throws {
        let fixture = try PKIFixture()
        let (request, _) = try fixture.csr(subject: [("CN", "Awa")])
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.issue(IssuanceRequest(csr: request, profile: "signature-person"))
        }
        #expect(problem.errors.first?.field == "subject.serialNumber")
    }

    @Test(arguments: [
        ("unknown-profile", "profile"),
        ("tls-server-no-san", "subjectAltNames"),
        ("bad-country", "subject.countryName"),
        ("too-long", "validityDays"),
        ("bad-san", "subjectAltNames[0]"),
        ("xroad-sign-with-san", "subjectAltNames"),
    ])
    func badRequestsNameTheirField(case name: String, field: String) throws {
        let fixture = try PKIFixture()
        let (request, _) = try fixture.csr(subject: [("CN", "x.local")])
        let issuance: IssuanceRequest
        switch name {
        case "unknown-profile": issuance = IssuanceRequest(csr: request, profile: "nope")
        case "tls-server-no-san": issuance = IssuanceRequest(csr: request, profile: "tls-server")
        case "bad-country": issuance = IssuanceRequest(csr: request, profile: "tls-server", subject: ["countryName": "Benin"], subjectAltNames: ["DNS:x.local"])
        case "too-long": issuance = IssuanceRequest(csr: request, profile: "tls-server", subjectAltNames: ["DNS:x.local"], validityDays: 5000)
        case "bad-san": issuance = IssuanceRequest(csr: request, profile: "tls-server", subjectAltNames: ["DNS:bad,name"])
        default: issuance = IssuanceRequest(csr: request, profile: "xroad-sign", subject: ["organizationName": "ARCEP"], subjectAltNames: ["DNS:x.local"])
        }
        let problem = try #require(throws: Problem.self) { try fixture.authority.issue(issuance) }
        #expect(problem.status == .badRequest)
        #expect(problem.errors.first?.field == field, "\(problem.detail)")
    }

    @Test func csrWhoseSignatureDoesNotVerifyIsRefused() throws {
        let fixture = try PKIFixture()
        let (request, _) = try fixture.csr(subject: [("CN", "x.local")], sans: [.dns("x.local")])
        var der = request.der
        der[der.count - 3] ^= 0x01  // inside the signature value
        let tampered = try CertificateSigningRequest(der: der)
        let problem = try #require(throws: Problem.self) {
            try fixture.authority.issue(IssuanceRequest(csr: tampered, profile: "tls-server"))
        }
        #expect(problem.errors.first?.field == "csr")
        #expect(problem.detail.contains("possession"))
    }

    @Test func serverGeneratedKeyMatchesItsCertificateAndIsRecorded() throws {
        let fixture = try PKIFixture()
        let (certificate, key) = try fixture.authority.issueWithGeneratedKey(
            profile: "tls-server", subject: ["commonName": "lab.local"], subjectAltNames: ["DNS:lab.local"],
            keyAlgorithm: .ecdsaP384, validityDays: 30)
        #expect(certificate.publicKey.matches(key))
        #expect(certificate.publicKey.algorithm == .ecdsaP384)
        #expect(try fixture.authority.status(serial: certificate.serialNumber).serverGeneratedKey)
        let days = certificate.notAfter.timeIntervalSince(certificate.notBefore) / 86_400
        #expect(days > 29.9 && days < 30.1)
    }

    @Test func committedProfilesAreTheDefaults() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try ProfileCatalogue.load(from: repository.appendingPathComponent("certs/profiles"))
        #expect(committed.names == DefaultProfiles.all.map(\.name).sorted())
        for profile in DefaultProfiles.all { #expect(committed[profile.name] == profile, "certs/profiles/\(profile.name).json differs from DefaultProfiles") }
    }
}
