import Foundation
import SandboxCore
import SandboxCrypto

/// A document the PKI signed and registered, so that anyone holding its QR code can check it
/// (reference pki.md §4.7). Withdrawing a document is separate from revoking the seal's certificate: a
/// licence can be withdrawn while the seal stays good.
public struct RegisteredDocument: Sendable {
    public let id: String
    public let type: String
    public let title: String
    public let holder: String
    public let name: String
    public let keyID: String
    public let issuedAt: Date
    public let expiresAt: Date?
    public let digestAlgorithm: DigestAlgorithm
    public let digest: [UInt8]
    public let signature: [UInt8]
    public let signatureFormat: String
    public let revoked: Bool
    public let revokedAt: Date?
    public let revocationReason: String?
    public let supersededBy: String?
}

/// Why a document is withdrawn.
public enum DocumentRevocationReason: String, Sendable, Codable, CaseIterable {
    case withdrawn = "WITHDRAWN"
    case superseded = "SUPERSEDED"
    case error = "ERROR"
}

/// The SQLite side of the register, in the PKI's own database.
struct DocumentRepository {
    let database: Database

    func insert(_ document: RegisteredDocument) throws {
        try database.execute(
            """
            INSERT INTO documents (id, type, title, holder, name, key_id, issued_at, expires_at, digest_algorithm, digest, signature, signature_format)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(document.id), .text(document.type), .text(document.title), .text(document.holder), .text(document.name),
                .text(document.keyID), .integer(CertificateRepository.seconds(document.issuedAt)),
                document.expiresAt.map { .integer(CertificateRepository.seconds($0)) } ?? .null, .text(document.digestAlgorithm.rawValue),
                .blob(document.digest), .blob(document.signature), .text(document.signatureFormat),
            ])
    }

    func find(_ id: String) throws -> RegisteredDocument? {
        guard let row = try database.queryOne("SELECT * FROM documents WHERE id = ?", [.text(id)]) else { return nil }
        return RegisteredDocument(
            id: try row.string("id"), type: try row.string("type"), title: try row.string("title"), holder: try row.string("holder"),
            name: try row.string("name"), keyID: try row.string("key_id"), issuedAt: CertificateRepository.date(try row.int("issued_at")),
            expiresAt: row.optionalInt("expires_at").map(CertificateRepository.date),
            digestAlgorithm: DigestAlgorithm(rawValue: try row.string("digest_algorithm")) ?? .sha256, digest: try row.blob("digest"),
            signature: try row.blob("signature"), signatureFormat: try row.string("signature_format"),
            revoked: try row.string("status") == "REVOKED", revokedAt: row.optionalInt("revoked_at").map(CertificateRepository.date),
            revocationReason: row.optionalString("revocation_reason"), supersededBy: row.optionalString("superseded_by"))
    }

    /// Marks a document withdrawn; false when it already was.
    func revoke(_ id: String, at time: Date, reason: DocumentRevocationReason, supersededBy: String?) throws -> Bool {
        try database.transaction { transaction in
            try transaction.execute(
                "UPDATE documents SET status = 'REVOKED', revoked_at = ?, revocation_reason = ?, superseded_by = ? WHERE id = ? AND status = 'VALID'",
                [.integer(CertificateRepository.seconds(time)), .text(reason.rawValue), supersededBy.map { .text($0) } ?? .null, .text(id)])
            return try transaction.queryOne("SELECT changes() AS changed").map { try $0.int("changed") } == 1
        }
    }
}
