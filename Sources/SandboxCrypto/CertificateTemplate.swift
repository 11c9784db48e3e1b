import COpenSSL
import COpenSSLShims
import Foundation

/// Everything a certificate will say, decided by the PKI (profile + request) before OpenSSL builds it.
public struct CertificateTemplate: Sendable {
    public var subject: DistinguishedName
    public var serialNumber: SerialNumber
    public var notBefore: Date
    public var notAfter: Date
    public var publicKey: PublicKey
    /// nil: not a CA. Otherwise a CA, with an optional path length constraint.
    public var certificateAuthority: CertificateAuthorityConstraint?
    public var keyUsage: [KeyUsage]
    public var extendedKeyUsage: [String]
    public var extendedKeyUsageCritical: Bool
    public var subjectAlternativeNames: [GeneralName]
    public var policies: [CertificatePolicy]
    public var ocspURL: String?
    public var caIssuersURL: String?
    public var crlDistributionPoint: String?
    public var ocspNoCheck: Bool

    public init(
        subject: DistinguishedName, serialNumber: SerialNumber = .random(), notBefore: Date, notAfter: Date,
        publicKey: PublicKey, certificateAuthority: CertificateAuthorityConstraint? = nil, keyUsage: [KeyUsage],
        extendedKeyUsage: [String] = [], extendedKeyUsageCritical: Bool = false,
        subjectAlternativeNames: [GeneralName] = [], policies: [CertificatePolicy] = [],
        ocspURL: String? = nil, caIssuersURL: String? = nil, crlDistributionPoint: String? = nil, ocspNoCheck: Bool = false
    ) {
        self.subject = subject
        self.serialNumber = serialNumber
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.publicKey = publicKey
        self.certificateAuthority = certificateAuthority
        self.keyUsage = keyUsage
        self.extendedKeyUsage = extendedKeyUsage
        self.extendedKeyUsageCritical = extendedKeyUsageCritical
        self.subjectAlternativeNames = subjectAlternativeNames
        self.policies = policies
        self.ocspURL = ocspURL
        self.caIssuersURL = caIssuersURL
        self.crlDistributionPoint = crlDistributionPoint
        self.ocspNoCheck = ocspNoCheck
    }
}

public struct CertificateAuthorityConstraint: Sendable, Hashable {
    public var pathLength: Int?
    public init(pathLength: Int?) { self.pathLength = pathLength }
}

/// A certificate policy: its OID and, optionally, the URI of its practice statement (CPS qualifier).
public struct CertificatePolicy: Sendable, Hashable, Codable {
    public var oid: String
    public var cpsURI: String?
    public init(oid: String, cpsURI: String? = nil) {
        self.oid = oid
        self.cpsURI = cpsURI
    }
}

extension Certificate {
    /// Builds and signs a certificate.
    /// - Parameters:
    ///   - template: what the certificate says.
    ///   - issuer: the issuing CA's certificate, or nil for a self-signed root.
    ///   - issuerKey: the key that signs (the root's own key when `issuer` is nil).
    public static func issue(_ template: CertificateTemplate, issuer: Certificate?, issuerKey: PrivateKey) throws -> Certificate {
        clearOpenSSLErrors()
        try validate(template)
        let certificate = try require(X509_new(), "allocate certificate")
        var handedOver = false
        defer { if !handedOver { X509_free(certificate) } }

        try check(X509_set_version(certificate, 2), "set version")
        let serial = try template.serialNumber.makeASN1Integer()
        defer { ASN1_INTEGER_free(serial) }
        try check(X509_set_serialNumber(certificate, serial), "set serial number")

        let subject = try template.subject.makeX509Name()
        defer { X509_NAME_free(subject) }
        try check(X509_set_subject_name(certificate, subject), "set subject")
        try check(X509_set_issuer_name(certificate, issuer.map { X509_get_subject_name($0.pointer) } ?? subject), "set issuer")
        try ASN1Time.set(X509_getm_notBefore(certificate), to: template.notBefore)
        try ASN1Time.set(X509_getm_notAfter(certificate), to: template.notAfter)
        try check(X509_set_pubkey(certificate, template.publicKey.pointer), "set public key")

        for (name, value, config) in extensionLines(template, selfSigned: issuer == nil) {
            let added = cshim_x509_add_ext(certificate, issuer?.pointer, name, value, config)
            if added != 1 { throw CryptoError.fromQueue("add extension \(name) = \(value)") }
        }

        let digest = issuerKey.algorithm?.signingDigest ?? .sha256
        guard X509_sign(certificate, issuerKey.pointer, digest.md) > 0 else { throw CryptoError.fromQueue("sign certificate") }
        handedOver = true
        return try Certificate(owning: certificate)
    }

    /// The extensions in OpenSSL config form, in the order they appear in the certificate.
    static func extensionLines(_ template: CertificateTemplate, selfSigned: Bool) -> [(String, String, String?)] {
        var lines: [(String, String, String?)] = []
        if let ca = template.certificateAuthority {
            lines.append(("basicConstraints", "critical,CA:TRUE" + (ca.pathLength.map { ",pathlen:\($0)" } ?? ""), nil))
        } else {
            lines.append(("basicConstraints", "critical,CA:FALSE", nil))
        }
        if !template.keyUsage.isEmpty {
            lines.append(("keyUsage", "critical," + template.keyUsage.map(\.rawValue).joined(separator: ","), nil))
        }
        if !template.extendedKeyUsage.isEmpty {
            let values = template.extendedKeyUsage.map { ExtendedKeyUsage.known[$0] ?? $0 }
            lines.append(("extendedKeyUsage", (template.extendedKeyUsageCritical ? "critical," : "") + values.joined(separator: ","), nil))
        }
        lines.append(("subjectKeyIdentifier", "hash", nil))
        if !selfSigned { lines.append(("authorityKeyIdentifier", "keyid:always", nil)) }
        if !template.subjectAlternativeNames.isEmpty {
            lines.append(("subjectAltName", template.subjectAlternativeNames.map(\.description).joined(separator: ","), nil))
        }
        var access: [String] = []
        if let ocsp = template.ocspURL { access.append("OCSP;URI:\(ocsp)") }
        if let issuers = template.caIssuersURL { access.append("caIssuers;URI:\(issuers)") }
        if !access.isEmpty { lines.append(("authorityInfoAccess", access.joined(separator: ","), nil)) }
        if let crl = template.crlDistributionPoint { lines.append(("crlDistributionPoints", "URI:\(crl)", nil)) }
        if !template.policies.isEmpty {
            var sections: [String] = []
            var references: [String] = []
            // Always as config sections: OpenSSL's certificatePolicies parser wants a config database even
            // for a bare OID, and failed with "no config database" when a template had no CPS.
            for (index, policy) in template.policies.enumerated() {
                var section = "[policy\(index)]\npolicyIdentifier = \(policy.oid)\n"
                if let cps = policy.cpsURI { section += "CPS.1 = \"\(cps)\"\n" }
                sections.append(section)
                references.append("@policy\(index)")
            }
            lines.append(("certificatePolicies", references.joined(separator: ","), sections.joined()))
        }
        if template.ocspNoCheck { lines.append(("noCheck", "ignored", nil)) }
        return lines
    }

    /// Refuses values that would change meaning inside OpenSSL's config syntax, before OpenSSL sees them.
    private static func validate(_ template: CertificateTemplate) throws {
        for name in template.subjectAlternativeNames {
            if let problem = name.validationError { throw CryptoError("subject alternative name", reasons: [problem]) }
        }
        let oid = /^[0-9]+(\.[0-9]+)+$/
        for policy in template.policies where policy.oid.wholeMatch(of: oid) == nil {
            throw CryptoError("certificate policy", reasons: ["\(policy.oid) is not a dotted OID"])
        }
        for usage in template.extendedKeyUsage where ExtendedKeyUsage.known[usage] == nil && usage.wholeMatch(of: oid) == nil {
            throw CryptoError("extended key usage", reasons: ["\(usage) is neither a known name nor a dotted OID"])
        }
        let urls = [template.ocspURL, template.caIssuersURL, template.crlDistributionPoint] + template.policies.map(\.cpsURI)
        for url in urls.compactMap({ $0 }) where url.contains(where: { $0.isWhitespace || ",\"\n".contains($0) }) {
            throw CryptoError("certificate URL", reasons: ["\(url) contains a space, comma or quote"])
        }
        guard template.notAfter > template.notBefore else {
            throw CryptoError("validity", reasons: ["notAfter must be later than notBefore"])
        }
    }
}
