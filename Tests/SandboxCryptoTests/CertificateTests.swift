import Foundation
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("Certificates, CSRs, CRLs")
struct CertificateTests {
    @Test func theHierarchyVerifiesWithOpenSSLAndShowsOurExtensions() throws {
        let pki = try TestHierarchy()
        let directory = try TemporaryDirectory()
        try directory.write("root.pem", pki.root.pem)
        try directory.write("issuing.pem", pki.issuing.pem)
        try directory.write("leaf.pem", pki.leaf.pem)
        let verified = try OpenSSLCommand.run(["verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "leaf.pem"], in: directory.url)
        #expect(verified.status == 0, "\(verified)")
        let text = try OpenSSLCommand.run(["x509", "-in", "leaf.pem", "-noout", "-text"], in: directory.url).output
        for expected in [
            "X509v3 Basic Constraints: critical", "CA:FALSE", "X509v3 Key Usage: critical", "Digital Signature",
            "TLS Web Server Authentication, TLS Web Client Authentication", "OCSP - URI:http://localhost:8090/pki/v1/ocsp",
            "CA Issuers - URI:http://localhost:8090/pki/v1/ca/issuing/certificate", "URI:http://localhost:8090/pki/v1/crl/issuing.crl",
            "Policy: 2.999.1.2.5", "CPS: http://localhost:8090/pki/v1/cps", "DNS:api.local", "IP Address:127.0.0.1",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        let fingerprint = try OpenSSLCommand.run(["x509", "-in", "leaf.pem", "-noout", "-fingerprint", "-sha256"], in: directory.url).output
        #expect(fingerprint.contains(pki.leaf.fingerprintSHA256Colons))
    }

    @Test func readingBackWhatWasWritten() throws {
        let pki = try TestHierarchy()
        let extensions = pki.leaf.extensions
        #expect(extensions.subjectAlternativeNames == [.dns("api.local"), .ip("127.0.0.1"), .ip("::1")])
        #expect(extensions.extendedKeyUsage == ["serverAuth", "clientAuth"])
        #expect(extensions.policies == ["2.999.1.2.5"])
        #expect(extensions.crlDistributionPoints == ["http://localhost:8090/pki/v1/crl/issuing.crl"])
        #expect(extensions.authorityKeyIdentifier == pki.issuing.extensions.subjectKeyIdentifier)
        #expect(pki.issuing.extensions.isCA && pki.issuing.extensions.pathLength == 0)
        #expect(pki.ocsp.extensions.ocspNoCheck)
        #expect(pki.tsa.extensions.extendedKeyUsage == ["timeStamping"])
        #expect(pki.leaf.subject.description == "CN=api.local,O=ARCEP Bénin,C=BJ")
        #expect(pki.leaf.isIssued(by: pki.issuing))
        #expect(!pki.leaf.isIssued(by: pki.root))
        #expect(pki.root.isSelfIssued)
    }

    @Test func parsingIsStrict() throws {
        let pki = try TestHierarchy()
        #expect(throws: CryptoError.self) { try Certificate(der: pki.leaf.der + [0x00]) }
        #expect(throws: CryptoError.self) { try Certificate(der: []) }
        #expect(throws: CryptoError.self) { try Certificate(pem: "no pem here") }
        #expect(try Certificate.parseChain(pem: pki.issuing.pem + "junk between\n" + pki.root.pem) == [pki.issuing, pki.root])
        #expect(try Certificate.parse(pki.leaf.der) == pki.leaf)
        #expect(try Certificate.parse(Array(pki.leaf.pem.utf8)) == pki.leaf)
    }

    @Test func certificatesMadeByOpenSSLParse() throws {
        let directory = try TemporaryDirectory()
        let made = try OpenSSLCommand.run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-out", "c.pem",
            "-subj", "/C=BJ/O=Démo/CN=demo.local", "-days", "10", "-addext", "subjectAltName=DNS:demo.local",
        ], in: directory.url)
        #expect(made.status == 0, "\(made)")
        let certificate = try Certificate(pem: String(decoding: try directory.read("c.pem"), as: UTF8.self))
        #expect(certificate.subject.commonName == "demo.local")
        #expect(certificate.extensions.subjectAlternativeNames == [.dns("demo.local")])
        #expect(certificate.isSelfIssued)
    }

    @Test func subjectAlternativeNamesAreValidatedBeforeOpenSSLSeesThem() {
        #expect(GeneralName(text: "DNS:bad,name") == nil)
        #expect(GeneralName(text: "DNS:*.example.bj") == .dns("*.example.bj"))
        #expect(GeneralName(text: "IP:::1") == .ip("::1"))
        #expect(GeneralName(text: "10.0.0.1") == .ip("10.0.0.1"))
        #expect(GeneralName(text: "2001:db8::1") == .ip("2001:db8::1"))  // a bare IPv6 address is not a "2001:" prefix
        #expect(GeneralName(text: "email:a@b.bj") == .email("a@b.bj"))
        #expect(GeneralName(text: "URI:not a uri") == nil)
        #expect(GeneralName(text: "x400:whatever") == nil)
    }

    @Test func csrRoundTripAndProofOfPossession() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let csr = try CertificateSigningRequest.create(
            subject: DistinguishedName([.init("C", "BJ"), .init("CN", "ss-asin")]), key: key, subjectAlternativeNames: [.dns("ss-asin.local")])
        let parsed = try CertificateSigningRequest(pem: csr.pem)
        #expect(parsed.isSignatureValid)
        #expect(parsed.subject.description == "CN=ss-asin,C=BJ")
        #expect(parsed.requestedSubjectAlternativeNames == [.dns("ss-asin.local")])
        #expect(parsed.publicKey?.matches(key) == true)
        let directory = try TemporaryDirectory()
        try directory.write("r.csr", csr.pem)
        let verified = try OpenSSLCommand.run(["req", "-in", "r.csr", "-noout", "-verify"], in: directory.url)
        #expect(verified.all.contains("verify OK"), "\(verified)")
        var tampered = csr.der
        tampered[tampered.count - 3] ^= 0x01
        #expect(try CertificateSigningRequest(der: tampered).isSignatureValid == false)
    }

    @Test func csrMadeByOpenSSLParsesWithItsSAN() throws {
        let directory = try TemporaryDirectory()
        let made = try OpenSSLCommand.run([
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "r.csr", "-subj", "/C=BJ/O=ARCEP/CN=ss-arcep",
            "-addext", "subjectAltName=DNS:ss-arcep.local,IP:127.0.0.1",
        ], in: directory.url)
        #expect(made.status == 0, "\(made)")
        let csr = try CertificateSigningRequest.parse(try directory.read("r.csr"))
        #expect(csr.isSignatureValid)
        #expect(csr.requestedSubjectAlternativeNames == [.dns("ss-arcep.local"), .ip("127.0.0.1")])
        #expect(csr.publicKey?.algorithm == .rsa(bits: 2048))
    }

    @Test func crlListsRevocationsAndOpenSSLReadsIt() throws {
        let pki = try TestHierarchy()
        let compromised = SerialNumber(bytes: [0x0A, 0x01])
        let plain = SerialNumber(bytes: [0x0A, 0x02])
        let now = Date(timeIntervalSince1970: TimeInterval(Int(Date().timeIntervalSince1970)))
        let crl = try CertificateRevocationList.issue(
            issuer: pki.issuing, issuerKey: pki.issuingKey, number: 7, thisUpdate: now, nextUpdate: now.addingTimeInterval(86_400),
            revoked: [
                RevokedCertificate(serialNumber: plain, revocationDate: now, reason: .unspecified),
                RevokedCertificate(serialNumber: compromised, revocationDate: now, reason: .keyCompromise),
            ])
        let parsed = try CertificateRevocationList(der: crl.der)
        #expect(parsed.number == 7)
        #expect(parsed.thisUpdate == now)
        #expect(parsed.nextUpdate == now.addingTimeInterval(86_400))
        #expect(Set(parsed.revoked.map(\.serialNumber)) == [compromised, plain])
        #expect(parsed.revoked.first { $0.serialNumber == plain }?.reason == nil)
        #expect(parsed.revoked.first { $0.serialNumber == compromised }?.reason == .keyCompromise)
        #expect(parsed.isSignatureValid(issuerKey: pki.issuing.publicKey))
        #expect(!parsed.isSignatureValid(issuerKey: pki.root.publicKey))

        let directory = try TemporaryDirectory()
        try directory.write("crl.pem", crl.pem)
        let text = try OpenSSLCommand.run(["crl", "-in", "crl.pem", "-noout", "-text"], in: directory.url).output
        #expect(text.contains("Serial Number: 0A01"))
        #expect(text.contains("Key Compromise"))
        #expect(text.contains("X509v3 CRL Number") && text.contains("7"))
    }

    @Test func pkcs12OpensWithTheRightPasswordOnly() throws {
        let pki = try TestHierarchy()
        let directory = try TemporaryDirectory()
        try directory.write("b.p12", try PKCS12.export(key: pki.leafKey, certificate: pki.leaf, chain: [pki.issuing, pki.root], password: "secret", friendlyName: "api"))
        let good = try OpenSSLCommand.run(["pkcs12", "-in", "b.p12", "-passin", "pass:secret", "-nokeys", "-info"], in: directory.url)
        #expect(good.status == 0, "\(good)")
        #expect(good.output.contains("CN = api.local") || good.output.contains("CN=api.local"))
        #expect(good.all.contains("Iteration 2048"), "\(good)")  // as `openssl pkcs12 -export`, not OpenSSL's fallback of 1
        let bad = try OpenSSLCommand.run(["pkcs12", "-in", "b.p12", "-passin", "pass:wrong", "-nokeys", "-info"], in: directory.url)
        #expect(bad.status != 0)
    }

    @Test func serialNumbers() throws {
        #expect(SerialNumber(hex: "0x0a:0B")?.hex == "0A0B")
        #expect(SerialNumber(hex: "abc")?.hex == "0ABC")
        #expect(SerialNumber(hex: String(repeating: "AB", count: 21)) == nil)
        #expect(SerialNumber(hex: "xyz") == nil)
        let random = SerialNumber.random()
        #expect(random.bytes.count == 16 && random.bytes[0] & 0x80 == 0)
        let decoded = try JSONDecoder().decode([SerialNumber].self, from: try JSONEncoder().encode([random]))
        #expect(decoded == [random])
        #expect(RevocationReason(name: "KEY_COMPROMISE") == .keyCompromise)
        #expect(RevocationReason(name: "7") == nil)
        #expect(RevocationReason(name: "-1") == nil)  // not keyCompromise with its sign dropped
        #expect(RevocationReason(name: "1_0") == nil)
        #expect(RevocationReason(name: "9") == .privilegeWithdrawn)
    }
}
