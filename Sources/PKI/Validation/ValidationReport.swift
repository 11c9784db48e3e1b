import Foundation

/// ETSI EN 319 102-1 main indications, spelled as EU DSS spells them.
public enum Indication: String, Sendable, Codable {
    case totalPassed = "TOTAL_PASSED"
    case totalFailed = "TOTAL_FAILED"
    case indeterminate = "INDETERMINATE"
    /// For timestamps and certificates, which have no "total" validation.
    case passed = "PASSED"
    case failed = "FAILED"

    public var uri: String { "urn:etsi:019102:mainindication:\(rawValue.lowercased().replacingOccurrences(of: "_", with: "-"))" }
}

/// ETSI EN 319 102-1 sub-indications the sandbox produces.
public enum SubIndication: String, Sendable, Codable {
    case formatFailure = "FORMAT_FAILURE"
    case hashFailure = "HASH_FAILURE"
    case sigCryptoFailure = "SIG_CRYPTO_FAILURE"
    case revoked = "REVOKED"
    case noSigningCertificateFound = "NO_SIGNING_CERTIFICATE_FOUND"
    case noCertificateChainFound = "NO_CERTIFICATE_CHAIN_FOUND"
    case revokedNoPOE = "REVOKED_NO_POE"
    case revokedCANoPOE = "REVOKED_CA_NO_POE"
    case outOfBoundsNoPOE = "OUT_OF_BOUNDS_NO_POE"
    case signedDataNotFound = "SIGNED_DATA_NOT_FOUND"
    case tryLater = "TRY_LATER"
    case chainConstraintsFailure = "CHAIN_CONSTRAINTS_FAILURE"
    case cryptoConstraintsFailureNoPOE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"

    /// Whether this sub-indication goes with TOTAL_FAILED (proof that the signature is bad) rather than
    /// INDETERMINATE (not enough to decide).
    var isFailure: Bool { [.formatFailure, .hashFailure, .sigCryptoFailure, .revoked].contains(self) }
}

/// A message with a stable key (for programs) and text in both languages (for people).
public struct ReportMessage: Sendable, Codable, Hashable {
    public let key: String
    public let message: String
    public let messageEn: String
}

/// One check made, by ETSI building block (FC format, ISC signing certificate, CV cryptographic
/// verification, XCV X.509 certificate validation, SAV signature acceptance, POE proof of existence).
public struct ValidationCheck: Sendable, Codable {
    public let block: String
    public let key: String
    /// OK, NOT_OK, WARNING or SKIPPED.
    public let status: String
    public var message: String?
}

public struct RevocationReport: Sendable, Codable {
    public let status: String
    public let source: String
    public var producedAt: Date?
    public var thisUpdate: Date?
    public var nextUpdate: Date?
    public var crlNumber: UInt64?
    public var revocationTime: Date?
    public var reason: String?
}

public struct ChainEntryReport: Sendable, Codable {
    public let subject: String
    public let serialNumber: String
    public let notBefore: Date
    public let notAfter: Date
    public let fingerprintSha256: String
    public let trusted: Bool
    public var revocation: RevocationReport?
}

public struct TimestampReport: Sendable, Codable {
    public let type: String
    public let productionTime: Date?
    public let producedBy: String?
    public let serialNumber: String
    public let policy: String
    public let indication: Indication
    public let subIndication: SubIndication?
}

public struct SignatureReport: Sendable, Codable {
    public struct Signer: Sendable, Codable {
        public let subject: String
        public let serialNumber: String
        public let fingerprintSha256: String
    }

    public struct Scope: Sendable, Codable {
        public let name: String
        /// FULL when the document itself was checked, DIGEST when only its hash was given.
        public let scope: String
    }

    public let id: String
    public let signatureFormat: String
    public var indication: Indication
    public var subIndication: SubIndication?
    public var indicationUri: String
    public var signedBy: String?
    public var signer: Signer?
    public var claimedSigningTime: Date?
    public var bestSignatureTime: Date
    public var signatureScopes: [Scope]
    public var certificateChain: [ChainEntryReport]
    public var timestamps: [TimestampReport]
    public var checks: [ValidationCheck]
    public var errors: [ReportMessage]
    public var warnings: [ReportMessage]
    public var infos: [ReportMessage]
}

/// The answer of `POST /pki/v1/validations`: a 200 whatever the verdict.
public struct ValidationReport: Sendable, Codable {
    public struct Policy: Sendable, Codable {
        public let name: String
        public let description: String
    }

    public let id: String
    public let validationTime: Date
    public let policy: Policy
    public let documentName: String
    public let signatureForm: String
    public let signaturesCount: Int
    public let validSignaturesCount: Int
    /// The worst indication of all signatures: one line for a CI assertion.
    public let indication: Indication
    public let subIndication: SubIndication?
    public let reportType: String
    public let signatures: [SignatureReport]
}

/// The answer of `POST /pki/v1/validations/certificate` (DSS simple certificate report, camelCase).
public struct CertificateValidationReport: Sendable, Codable {
    public let id: String
    public let validationTime: Date
    public let subject: String
    public let serialNumber: String
    public let notBefore: Date
    public let notAfter: Date
    public let keyUsage: [String]
    public let extendedKeyUsage: [String]
    public let ocspUrl: String?
    public let crlUrl: String?
    public let aiaUrl: String?
    public let revocation: RevocationReport?
    public let trustAnchor: String?
    public let indication: Indication
    public let subIndication: SubIndication?
    public let chain: [ChainEntryReport]
    public let checks: [ValidationCheck]
    public let errors: [ReportMessage]
    public let warnings: [ReportMessage]
}
