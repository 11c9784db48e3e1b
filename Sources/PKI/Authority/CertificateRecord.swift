import Foundation
import SandboxCrypto

/// Revocation status as the PKI's API reports it.
public enum CertificateStatus: String, Sendable, Codable {
    case good = "GOOD"
    case revoked = "REVOKED"
    case unknown = "UNKNOWN"
}

/// One certificate the CA issued, as stored.
public struct CertificateRecord: Sendable {
    public let serialNumber: SerialNumber
    /// `root` or `issuing`: which CA signed it.
    public let issuerID: String
    /// The profile name, or `bootstrap` for the sandbox's own service certificates.
    public let profile: String
    public let subject: String
    public let notBefore: Date
    public let notAfter: Date
    public let fingerprintSHA256: String
    public let der: [UInt8]
    public let status: CertificateStatus
    public let revocationTime: Date?
    public let revocationReason: RevocationReason?
    public let issuedAt: Date
    /// Whether the PKI generated the key pair (the sandbox-only keypair endpoint), for the audit trail.
    public let serverGeneratedKey: Bool
}
