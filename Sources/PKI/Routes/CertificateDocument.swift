import Foundation
import Hummingbird
import SandboxCore
import SandboxCrypto

/// JSON shapes of the PKI API (camelCase, times in RFC 3339 UTC, serials in uppercase hex, binary in
/// base64), following reference pki.md §4.3–4.4.

/// A certificate as the admin API returns it after issuance.
struct IssuedCertificateDocument: ResponseCodable {
    var serialNumber: String
    var certificate: String
    var certificateChain: [String]?
    var subject: String
    var issuer: String
    var notBefore: Date
    var notAfter: Date
    var fingerprintSha256: String
    var profile: String
    var status: String
    var links: Links
    /// Present only for the sandbox-only server-side key generation.
    var privateKey: String?
    var pkcs12: String?
    var warning: String?

    struct Links: Codable {
        var `self`: String
        var status: String
        var ocsp: String
        var crl: String
    }

    init(_ certificate: Certificate, profile: String, chain: [Certificate]?, urls: PKIURLs) {
        serialNumber = certificate.serialNumber.hex
        self.certificate = certificate.pem
        certificateChain = chain?.map(\.pem)
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
        fingerprintSha256 = certificate.fingerprintSHA256
        self.profile = profile
        status = CertificateStatus.good.rawValue
        links = Links(
            self: "/pki/v1/certificates/\(serialNumber)", status: "/pki/v1/certificates/\(serialNumber)/status",
            ocsp: urls.ocsp, crl: urls.crl("issuing"))
    }
}

/// Full details of a stored certificate (`GET /pki/v1/certificates/{serial}`).
struct CertificateDetailsDocument: ResponseCodable {
    var serialNumber: String
    var profile: String
    var subject: String
    var issuer: String
    var notBefore: Date
    var notAfter: Date
    var fingerprintSha256: String
    var signatureAlgorithm: String
    var publicKeyAlgorithm: String
    var keyUsage: [String]
    var extendedKeyUsage: [String]
    var subjectAltNames: [String]
    var policies: [String]
    var ocspUrls: [String]
    var caIssuersUrls: [String]
    var crlDistributionPoints: [String]
    var isCA: Bool
    var status: String
    var revocation: RevocationDocument?
    var issuedAt: Date
    var serverGeneratedKey: Bool
    var certificate: String

    init(_ record: CertificateRecord) throws {
        let certificate = try Certificate(der: record.der)
        let extensions = certificate.extensions
        serialNumber = record.serialNumber.hex
        profile = record.profile
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
        fingerprintSha256 = record.fingerprintSHA256
        signatureAlgorithm = certificate.signatureAlgorithm
        publicKeyAlgorithm = certificate.publicKey.algorithmDescription
        keyUsage = extensions.keyUsage.map(\.rawValue)
        extendedKeyUsage = extensions.extendedKeyUsage
        subjectAltNames = extensions.subjectAlternativeNames.map(\.description)
        policies = extensions.policies
        ocspUrls = extensions.ocspURLs
        caIssuersUrls = extensions.caIssuersURLs
        crlDistributionPoints = extensions.crlDistributionPoints
        isCA = extensions.isCA
        status = record.status.rawValue
        revocation = RevocationDocument(record)
        issuedAt = record.issuedAt
        serverGeneratedKey = record.serverGeneratedKey
        self.certificate = certificate.pem
    }
}

/// One line of the certificate list.
struct CertificateSummaryDocument: Codable {
    var serialNumber: String
    var profile: String
    var subject: String
    var notAfter: Date
    var status: String
    var issuedAt: Date

    init(_ record: CertificateRecord) {
        serialNumber = record.serialNumber.hex
        profile = record.profile
        subject = record.subject
        notAfter = record.notAfter
        status = record.status.rawValue
        issuedAt = record.issuedAt
    }
}

struct CertificateListDocument: ResponseCodable {
    var items: [CertificateSummaryDocument]
    /// Pass as `cursor` to get the next page; absent on the last page.
    var nextCursor: String?
}

struct RevocationDocument: Codable {
    var revocationTime: Date
    var reason: String

    init?(_ record: CertificateRecord) {
        guard record.status == .revoked, let time = record.revocationTime else { return nil }
        revocationTime = time
        reason = record.revocationReason?.name ?? RevocationReason.unspecified.name
    }
}

/// `GET /pki/v1/certificates/{serial}/status`.
struct CertificateStatusDocument: ResponseCodable {
    var serialNumber: String
    var status: String
    var revocationTime: Date?
    var reason: String?
    var notAfter: Date
    var expired: Bool
}

/// Answer to a revocation.
struct RevocationResultDocument: ResponseCodable {
    var serialNumber: String
    var status: String
    var revocationTime: Date
    var reason: String
    var crlNumber: UInt64
    var crl: String
}

/// One entry of `GET /pki/v1/ca`.
struct CertificateAuthorityDocument: Codable {
    var id: String
    var role: String
    var subject: String
    var serialNumber: String
    var notBefore: Date
    var notAfter: Date
    var fingerprintSha256: String
    var keyAlgorithm: String
    var urls: URLs

    struct URLs: Codable {
        var certificate: String
        var certificatePem: String
        var crl: String?
        var ocsp: String?
        var tsa: String?
    }
}

/// `POST /pki/v1/timestamps` answer.
struct TimestampDocument: ResponseCodable {
    var token: String
    var genTime: Date
    var serialNumber: String
    var policy: String
    var digestAlgorithm: String
    var digest: String
    var tsa: TSA

    struct TSA: Codable {
        var subject: String
        var fingerprintSha256: String
    }
}

/// `GET /pki/v1/crl/{caId}` metadata, and a CRL publication answer.
struct CRLDocument: ResponseCodable {
    var ca: String
    var crlNumber: UInt64
    var thisUpdate: Date
    var nextUpdate: Date?
    var revokedCount: Int
    var urls: [String: String]
}
