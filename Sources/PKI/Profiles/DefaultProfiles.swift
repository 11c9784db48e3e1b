import Foundation
import SandboxCrypto

/// The profiles `sandbox init` writes into `certs/profiles/` when that folder is missing. The committed
/// copies in the repository are exactly these (a test keeps them in step).
///
/// Subject conventions follow ETSI EN 319 412: `organizationIdentifier` `NTRBJ-<RCCM>` for legal persons,
/// `serialNumber` `PNOBJ-<NPI>` for natural persons. Benin publishes no certificate policy of its own, so
/// these are sandbox placeholders, and every policy OID sits under the example arc 2.999.
public enum DefaultProfiles {
    public static let all: [CertificateProfile] = [xroadAuth, xroadSign, sealOrganization, signaturePerson, tlsServer]

    static let anyKey = ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"]

    /// Authentication certificate of an X-Road security server: TLS between security servers, both ways.
    public static let xroadAuth = CertificateProfile(
        name: "xroad-auth",
        description: "Security server authentication (mutual TLS between security servers) / Authentification d'un serveur de sécurité",
        validityDays: 730, maxValidityDays: 1095, keyAlgorithms: anyKey,
        subject: .init(
            required: ["commonName", "organizationName", "countryName"],
            allowed: ["commonName", "organizationName", "organizationalUnitName", "serialNumber", "countryName"],
            defaults: ["countryName": "BJ"]),
        subjectAltNames: .init(allowed: ["dns", "ip"], required: false),
        keyUsage: [.digitalSignature, .keyEncipherment], extendedKeyUsage: ["serverAuth", "clientAuth"],
        extendedKeyUsageCritical: false, policyOID: "2.999.1.2.1")

    /// Signing certificate of an X-Road member: signs the messages its security server sends.
    public static let xroadSign = CertificateProfile(
        name: "xroad-sign",
        description: "X-Road member message signing / Signature des messages d'un membre X-Road",
        validityDays: 730, maxValidityDays: 1095, keyAlgorithms: anyKey,
        subject: .init(
            required: ["commonName", "organizationName", "countryName"],
            allowed: ["commonName", "organizationName", "organizationIdentifier", "serialNumber", "countryName"],
            defaults: ["countryName": "BJ"]),
        subjectAltNames: .init(allowed: [], required: false),
        keyUsage: [.nonRepudiation], extendedKeyUsage: [],
        extendedKeyUsageCritical: false, policyOID: "2.999.1.2.2")

    /// Electronic seal (cachet électronique) of an organisation, e.g. ARCEP sealing ISP agreements.
    public static let sealOrganization = CertificateProfile(
        name: "seal-organization",
        description: "Electronic seal of an organisation / Cachet électronique d'une personne morale",
        validityDays: 1095, maxValidityDays: 1825, keyAlgorithms: anyKey,
        subject: .init(
            required: ["commonName", "organizationName", "organizationIdentifier", "countryName"],
            allowed: ["commonName", "organizationName", "organizationalUnitName", "organizationIdentifier", "countryName", "localityName"],
            defaults: ["countryName": "BJ"]),
        subjectAltNames: .init(allowed: ["email", "uri"], required: false),
        keyUsage: [.digitalSignature, .nonRepudiation], extendedKeyUsage: ["documentSigning"],
        extendedKeyUsageCritical: false, policyOID: "2.999.1.2.3")

    /// Signature certificate of a natural person.
    public static let signaturePerson = CertificateProfile(
        name: "signature-person",
        description: "Signature of a natural person / Signature d'une personne physique",
        validityDays: 730, maxValidityDays: 1095, keyAlgorithms: anyKey,
        subject: .init(
            required: ["commonName", "serialNumber", "countryName"],
            allowed: ["commonName", "givenName", "surname", "serialNumber", "countryName", "emailAddress"],
            defaults: ["countryName": "BJ"]),
        subjectAltNames: .init(allowed: ["email"], required: false),
        keyUsage: [.digitalSignature, .nonRepudiation], extendedKeyUsage: [],
        extendedKeyUsageCritical: false, policyOID: "2.999.1.2.4")

    /// TLS server certificate for a sandbox web service.
    public static let tlsServer = CertificateProfile(
        name: "tls-server",
        description: "TLS server / Serveur TLS",
        validityDays: 397, maxValidityDays: 825, keyAlgorithms: anyKey,
        subject: .init(
            required: [],
            allowed: ["commonName", "organizationName", "organizationalUnitName", "countryName", "localityName"],
            defaults: [:]),
        subjectAltNames: .init(allowed: ["dns", "ip"], required: true),
        keyUsage: [.digitalSignature, .keyEncipherment], extendedKeyUsage: ["serverAuth"],
        extendedKeyUsageCritical: false, policyOID: "2.999.1.2.5")
}
