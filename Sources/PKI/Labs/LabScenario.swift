import Foundation
import SandboxCore
import SandboxCrypto

/// The lab scenarios of reference pki.md §4.8: each builds real signatures and certificates that put the
/// validator in one precise situation, and says what it must answer.
public enum LabScenario: String, Sendable, CaseIterable {
    case validBB = "valid-b-b"
    case validBT = "valid-b-t"
    case tamperedContent = "tampered-content"
    case wrongKey = "wrong-key"
    case untrustedRoot = "untrusted-root"
    case revokedNoPOE = "revoked-no-poe"
    case revokedAfterTimestamp = "revoked-after-timestamp"
    case expiredNoTimestamp = "expired-no-timestamp"
    case missingDetachedContent = "missing-detached-content"

    public var expected: (Indication, SubIndication?) {
        switch self {
        case .validBB, .validBT, .revokedAfterTimestamp: (.totalPassed, nil)
        case .tamperedContent: (.totalFailed, .hashFailure)
        case .wrongKey: (.totalFailed, .sigCryptoFailure)
        case .untrustedRoot: (.indeterminate, .noCertificateChainFound)
        case .revokedNoPOE: (.indeterminate, .revokedNoPOE)
        case .expiredNoTimestamp: (.indeterminate, .outOfBoundsNoPOE)
        case .missingDetachedContent: (.indeterminate, .signedDataNotFound)
        }
    }

    public var description: LocalizedText {
        switch self {
        case .validBB: LocalizedText(fr: "Signature CAdES-B-B valide.", en: "A valid CAdES-B-B signature.")
        case .validBT: LocalizedText(fr: "Signature CAdES-B-T valide, horodatée.", en: "A valid, timestamped CAdES-B-T signature.")
        case .tamperedContent: LocalizedText(fr: "Le document a été modifié après la signature.", en: "The document was changed after signing.")
        case .wrongKey:
            LocalizedText(fr: "JWS dont la valeur de signature vient d'une autre clé que celle du certificat.", en: "A JWS whose signature value comes from another key than the certificate's.")
        case .untrustedRoot: LocalizedText(fr: "Signataire certifié par une AC inconnue du bac à sable.", en: "Signer certified by a CA the sandbox does not trust.")
        case .revokedNoPOE: LocalizedText(fr: "Certificat révoqué, signature sans horodatage.", en: "Certificate revoked, signature without a timestamp.")
        case .revokedAfterTimestamp:
            LocalizedText(fr: "Certificat révoqué après une signature horodatée : valide, avec un avertissement.", en: "Certificate revoked after a timestamped signature: valid, with a warning.")
        case .expiredNoTimestamp:
            LocalizedText(fr: "Certificat expiré à la date de validation (validationTime), sans horodatage.", en: "Certificate expired at the validation time (validationTime), no timestamp.")
        case .missingDetachedContent: LocalizedText(fr: "Signature détachée fournie sans son document.", en: "A detached signature given without its document.")
        }
    }
}

/// What `POST /pki/v1/lab/scenarios/{name}` returns.
public struct LabBundle: Sendable, Codable {
    public struct Expected: Sendable, Codable {
        public let indication: Indication
        public let subIndication: SubIndication?
    }

    public let scenario: String
    public let description: String
    public let descriptionEn: String
    public let format: String
    /// Base64 of the document that was signed (absent for missing-detached-content; altered for tampered-content).
    public let document: String?
    /// Base64 of the signature file (.p7s DER, or the JWS compact text).
    public let signature: String
    public let signerCertificate: String
    /// The lab signer's private key (PEM): lab keys are throwaway, made for this bundle.
    public let signerKey: String
    public let chain: [String]
    /// Validate at this time to see the expected outcome (only expired-no-timestamp needs one).
    public let validationTime: Date?
    public let expected: Expected
}
