import Foundation
import SandboxCrypto

/// What a certificate issued under a name (`xroad-auth`, `seal-organization`…) may and must contain.
/// Profiles are JSON files in `certs/profiles/`, written by `sandbox init` from ``DefaultProfiles`` and
/// meant to be read and edited by trainers; the CA enforces them on every request.
public struct CertificateProfile: Sendable, Codable, Hashable {
    public var name: String
    public var description: String
    /// Validity when the request does not ask for one.
    public var validityDays: Int
    /// The most a request may ask for.
    public var maxValidityDays: Int
    /// Key types accepted in CSRs (`EC-P256`, `RSA-3072`…).
    public var keyAlgorithms: [String]
    public var subject: SubjectRules
    public var subjectAltNames: SubjectAltNameRules
    /// Key usages. `keyEncipherment`/`dataEncipherment` are dropped for EC keys (RFC 5480 §3).
    public var keyUsage: [KeyUsage]
    public var extendedKeyUsage: [String]
    public var extendedKeyUsageCritical: Bool
    /// Certificate policy OID under the example arc 2.999.
    public var policyOID: String

    public struct SubjectRules: Sendable, Codable, Hashable {
        /// Attributes that must be present, by their API names (`commonName`, `organizationName`…).
        public var required: [String]
        /// Attributes that may be present. Anything else in the CSR or the request is refused.
        public var allowed: [String]
        /// Values filled in when absent (e.g. `countryName: BJ`).
        public var defaults: [String: String]
    }

    public struct SubjectAltNameRules: Sendable, Codable, Hashable {
        /// Forms allowed: `dns`, `ip`, `email`, `uri`.
        public var allowed: [String]
        /// Whether at least one SAN is required (TLS server certificates).
        public var required: Bool
    }
}

/// Subject attribute names as the API spells them, with OpenSSL's short names, in the order they are
/// encoded (most significant first).
public enum SubjectAttribute {
    public static let ordered: [(api: String, openSSL: String)] = [
        ("countryName", "C"),
        ("stateOrProvinceName", "ST"),
        ("localityName", "L"),
        ("organizationName", "O"),
        ("organizationalUnitName", "OU"),
        ("organizationIdentifier", "organizationIdentifier"),
        ("serialNumber", "serialNumber"),
        ("givenName", "GN"),
        ("surname", "SN"),
        ("commonName", "CN"),
        ("emailAddress", "emailAddress"),
    ]

    public static func openSSLName(_ api: String) -> String? { ordered.first { $0.api == api }?.openSSL }
    public static func apiName(_ openSSL: String) -> String? { ordered.first { $0.openSSL == openSSL }?.api }
}
