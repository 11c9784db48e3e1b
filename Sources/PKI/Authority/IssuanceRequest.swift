import Foundation
import SandboxCrypto

/// A request to certify a key under a profile, after the HTTP layer has decoded it.
public struct IssuanceRequest: Sendable {
    public var csr: CertificateSigningRequest
    public var profile: String
    /// Subject attributes by API name; they replace the CSR's values of the same attribute.
    public var subject: [String: String]?
    /// SANs in OpenSSL form (`DNS:…`, `IP:…`); when given they replace the SANs the CSR asks for.
    public var subjectAltNames: [String]?
    public var validityDays: Int?

    public init(csr: CertificateSigningRequest, profile: String, subject: [String: String]? = nil, subjectAltNames: [String]? = nil, validityDays: Int? = nil) {
        self.csr = csr
        self.profile = profile
        self.subject = subject
        self.subjectAltNames = subjectAltNames
        self.validityDays = validityDays
    }
}
