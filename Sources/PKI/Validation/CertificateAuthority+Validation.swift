import Foundation
import SandboxCore
import SandboxCrypto

extension CertificateAuthority {
    /// Validates a CAdES or JWS signature against its detached document (or the document's digest).
    /// - Parameter validationTime: defaults to the sandbox clock's now.
    public func validate(signature: [UInt8], name: String, originals: [DocumentInput], at validationTime: Date? = nil, detailed: Bool = false) -> ValidationReport {
        SignatureValidator(authority: self).validate(signature: signature, name: name, originals: originals, at: validationTime ?? clock.now(), detailed: detailed)
    }

    /// Validates a certificate alone: path to the sandbox root, and revocation.
    public func validate(certificate: Certificate, chain: [Certificate], at validationTime: Date? = nil) -> CertificateValidationReport {
        SignatureValidator(authority: self).validateCertificate(certificate, chain: chain, at: validationTime ?? clock.now())
    }
}
