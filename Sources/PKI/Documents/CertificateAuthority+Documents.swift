import Foundation
import Logging
import SandboxCore
import SandboxCrypto

/// What a person or a program learns when checking a registered document (reference pki.md §4.7, the
/// three checks of OpenAttestation: integrity, status, issuer identity).
public struct DocumentVerification: Sendable, Codable {
    public struct Document: Sendable, Codable {
        public let type: String
        public let title: String
        public let issuer: String
        public let holder: String
        public let issuedAt: Date
        public let expiresAt: Date?
        public let digest: [String: String]
    }

    public struct Check: Sendable, Codable {
        public let type: String
        /// VALID, INVALID or SKIPPED.
        public let status: String
        public let message: String
        public let messageEn: String
        public var data: [String: String]?
    }

    public let documentId: String
    /// VALID, INVALID, REVOKED, EXPIRED or UNKNOWN.
    public let status: String
    public let document: Document?
    public let checks: [Check]
    public let revocation: [String: String]?
    /// The validation of the stored signature, for who wants the details.
    public let signatureReport: SignatureReport?
}

extension CertificateAuthority {
    private var documents: DocumentRepository { DocumentRepository(database: repository.database) }

    /// The public page of a document: `<base>/verify/<id>`, what its QR code encodes.
    public func verificationURL(_ id: String) -> String { "\(configuration.publicBaseURL)/verify/\(id)" }

    /// Signs a document with a seal and registers it for public verification.
    public func register(
        _ input: DocumentInput, type: String, title: String, holder: String, expiresAt: Date?, keyID: String,
        format: SignatureFormat = .cades, level: SignatureLevel = .baselineT
    ) throws -> (RegisteredDocument, SignatureResult) {
        for (field, value) in [("type", type), ("title", title), ("holder", holder)] {
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= 200 else {
                throw Problem.badRequest(field: field, detail: "\(field) must be 1 to 200 characters")
            }
        }
        if let expiresAt, expiresAt <= clock.now() {
            throw Problem.badRequest(field: "expiresAt", detail: "expiresAt must be in the future")
        }
        let signed = try sign(input, format: format, level: level, keyID: keyID)
        let document = RegisteredDocument(
            id: Identifier.random(prefix: "doc"), type: type, title: title, holder: holder, name: input.name, keyID: keyID,
            issuedAt: signed.signingTime, expiresAt: expiresAt, digestAlgorithm: signed.digestAlgorithm, digest: signed.documentDigest,
            signature: signed.signature, signatureFormat: signed.formatName, revoked: false, revokedAt: nil, revocationReason: nil,
            supersededBy: nil)
        try documents.insert(document)
        logger.info("document registered", metadata: ["document": "\(document.id)", "type": "\(type)"])
        return (document, signed)
    }

    public func document(_ id: String) throws -> RegisteredDocument {
        guard Identifier.isSafe(id), let document = try documents.find(id) else { throw Problem.notFound(what: "document", id: String(id.prefix(64))) }
        return document
    }

    /// Withdraws a document; the seal's certificate is untouched.
    public func revokeDocument(_ id: String, reason: DocumentRevocationReason, supersededBy: String?) throws -> RegisteredDocument {
        let existing = try document(id)
        guard try documents.revoke(id, at: clock.now(), reason: reason, supersededBy: supersededBy) else {
            throw Problem.conflict(detail: "document \(id) was already withdrawn (\(existing.revocationReason ?? "?"))")
        }
        return try document(id)
    }

    /// The verification of a document by id; an unknown id is a verification with status UNKNOWN.
    public func verify(documentID id: String) -> DocumentVerification {
        guard let document = try? document(id) else {
            return DocumentVerification(
                documentId: String(id.prefix(64)), status: "UNKNOWN", document: nil,
                checks: [
                    .init(
                        type: "DOCUMENT_STATUS", status: "INVALID", message: "Aucun document enregistré sous cet identifiant.",
                        messageEn: "No document is registered under this identifier.")
                ],
                revocation: nil, signatureReport: nil)
        }
        let report = validate(
            signature: document.signature, name: document.name,
            originals: [.digest(name: document.name, document.digestAlgorithm, document.digest)]
        ).signatures[0]
        let expired = document.expiresAt.map { $0 < clock.now() } ?? false
        let status = document.revoked ? "REVOKED" : report.indication != .totalPassed ? "INVALID" : expired ? "EXPIRED" : "VALID"
        let documentStatus = document.revoked || expired ? "INVALID" : "VALID"
        let statusMessage = document.revoked
            ? ("Document retiré par l'émetteur.", "Document withdrawn by the issuer.")
            : expired ? ("Document expiré.", "Document expired.") : ("Document en vigueur.", "Document in force.")
        let signatureOK = report.indication == .totalPassed
        var identity = ["signedBy": report.signedBy ?? "?", "indication": report.indication.rawValue]
        identity["subIndication"] = report.subIndication?.rawValue
        return DocumentVerification(
            documentId: document.id, status: status,
            document: .init(
                type: document.type, title: document.title, issuer: report.signedBy ?? "?", holder: document.holder,
                issuedAt: document.issuedAt, expiresAt: document.expiresAt,
                digest: ["algorithm": document.digestAlgorithm.rawValue, "value": Hex.encode(document.digest, uppercase: false)]),
            checks: [
                .init(
                    type: "DOCUMENT_INTEGRITY", status: "SKIPPED", message: "Déposez le fichier pour comparer son empreinte.",
                    messageEn: "Drop the file to compare its digest."),
                .init(
                    type: "DOCUMENT_STATUS", status: documentStatus, message: statusMessage.0, messageEn: statusMessage.1,
                    data: ["revoked": "\(document.revoked)", "expired": "\(expired)"]),
                .init(
                    type: "ISSUER_IDENTITY", status: signatureOK ? "VALID" : "INVALID",
                    message: signatureOK ? "Signature de l'émetteur valide." : (report.errors.first?.message ?? "Signature non valide."),
                    messageEn: signatureOK ? "The issuer's signature is valid." : (report.errors.first?.messageEn ?? "Invalid signature."),
                    data: identity),
            ],
            revocation: document.revoked
                ? ["revokedAt": ISO8601DateFormatter().string(from: document.revokedAt ?? clock.now()), "reason": document.revocationReason ?? "", "supersededBy": document.supersededBy ?? ""]
                : nil,
            signatureReport: report)
    }
}
