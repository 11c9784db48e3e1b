import Foundation
import SandboxCrypto

/// A root → issuing CA → {leaf, OCSP responder, TSA} hierarchy built with the module's own API and the
/// extensions a real sandbox CA uses, for tests that need certificates.
struct TestHierarchy {
    let root: Certificate
    let rootKey: PrivateKey
    let issuing: Certificate
    let issuingKey: PrivateKey
    let leaf: Certificate
    let leafKey: PrivateKey
    let ocsp: Certificate
    let ocspKey: PrivateKey
    let tsa: Certificate
    let tsaKey: PrivateKey

    static let base = "http://localhost:8090/pki/v1"

    static func name(_ commonName: String) -> DistinguishedName {
        DistinguishedName([.init("C", "BJ"), .init("O", "ARCEP Bénin"), .init("CN", commonName)])
    }

    init(algorithm: KeyAlgorithm = .ecdsaP256) throws {
        let now = Date()
        rootKey = try PrivateKey.generate(algorithm)
        root = try Certificate.issue(
            CertificateTemplate(
                subject: Self.name("Test Root"), notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(86_400 * 365),
                publicKey: rootKey.publicKey, certificateAuthority: .init(pathLength: nil), keyUsage: [.keyCertSign, .cRLSign]),
            issuer: nil, issuerKey: rootKey)
        issuingKey = try PrivateKey.generate(algorithm)
        issuing = try Certificate.issue(
            CertificateTemplate(
                subject: Self.name("Test Issuing CA"), notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(86_400 * 300),
                publicKey: issuingKey.publicKey, certificateAuthority: .init(pathLength: 0), keyUsage: [.keyCertSign, .cRLSign],
                caIssuersURL: "\(Self.base)/ca/root/certificate", crlDistributionPoint: "\(Self.base)/crl/root.crl"),
            issuer: root, issuerKey: rootKey)
        (leaf, leafKey) = try Self.leaf(issuing: issuing, issuingKey: issuingKey, commonName: "api.local")
        ocspKey = try PrivateKey.generate(algorithm)
        ocsp = try Certificate.issue(
            CertificateTemplate(
                subject: Self.name("Test OCSP"), notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(86_400 * 30),
                publicKey: ocspKey.publicKey, keyUsage: [.digitalSignature], extendedKeyUsage: ["OCSPSigning"], ocspNoCheck: true),
            issuer: issuing, issuerKey: issuingKey)
        tsaKey = try PrivateKey.generate(algorithm)
        tsa = try Certificate.issue(
            CertificateTemplate(
                subject: Self.name("Test TSA"), notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(86_400 * 30),
                publicKey: tsaKey.publicKey, keyUsage: [.digitalSignature], extendedKeyUsage: ["timeStamping"], extendedKeyUsageCritical: true),
            issuer: issuing, issuerKey: issuingKey)
    }

    /// A TLS-server-like leaf with every extension the PKI writes.
    static func leaf(issuing: Certificate, issuingKey: PrivateKey, commonName: String, serial: SerialNumber = .random()) throws -> (Certificate, PrivateKey) {
        let key = try PrivateKey.generate(.ecdsaP256)
        let certificate = try Certificate.issue(
            CertificateTemplate(
                subject: name(commonName), serialNumber: serial, notBefore: Date().addingTimeInterval(-60),
                notAfter: Date().addingTimeInterval(86_400 * 30), publicKey: key.publicKey, keyUsage: [.digitalSignature],
                extendedKeyUsage: ["serverAuth", "clientAuth"], subjectAlternativeNames: [.dns(commonName), .ip("127.0.0.1"), .ip("::1")],
                policies: [CertificatePolicy(oid: "2.999.1.2.5", cpsURI: "\(base)/cps")], ocspURL: "\(base)/ocsp",
                caIssuersURL: "\(base)/ca/issuing/certificate", crlDistributionPoint: "\(base)/crl/issuing.crl"),
            issuer: issuing, issuerKey: issuingKey)
        return (certificate, key)
    }
}
