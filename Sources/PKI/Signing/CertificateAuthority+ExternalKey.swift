import Foundation
import HTTPTypes
import Logging
import SandboxCore
import SandboxCrypto

/// Step 1 of the two-step flow: what the caller's key must sign, kept until step 2 assembles the signature.
public struct PendingSignature: Sendable {
    public let id: String
    /// DER of the signed attributes: sign these bytes with ``digestAlgorithm`` (e.g. `openssl dgst -sha256 -sign`).
    public let dataToSign: [UInt8]
    public let level: SignatureLevel
    public let documentName: String
    public let digestAlgorithm: DigestAlgorithm
    public let documentDigest: [UInt8]
    public let signerCertificate: Certificate
    public let signingTime: Date
    public let expiresAt: Date
}

extension PendingSignature {
    /// The openssl command that makes the signature value from a file holding ``dataToSign``.
    public var signingCommand: String {
        "openssl dgst -\(digestAlgorithm.rawValue.lowercased()) -sign key.pem -out signature.bin dataToSign.bin"
    }
}

/// CAdES signatures with keys the PKI never sees (a person's card, a firm's HSM, a browser key): the PKI
/// prepares the SignerInfo, the caller signs its signed attributes, the PKI assembles (and timestamps).
extension CertificateAuthority {
    /// How long a prepared signature waits for its value.
    static let pendingSignatureLifetime: TimeInterval = 3600

    private var pendingSignatures: PendingSignatureRepository { PendingSignatureRepository(database: repository.database) }

    /// Step 1: prepares a detached CAdES signature by `certificate`'s key over `document`.
    /// - Parameter chain: the certificate's issuers, embedded for verifiers; the sandbox's own chain is used
    ///   when the certificate comes from the sandbox CA.
    /// - Throws: a 400 ``Problem`` naming the field when the certificate cannot sign now or the document is unusable.
    public func prepareSignature(
        _ document: DocumentInput, certificate: Certificate, chain: [Certificate], level: SignatureLevel, digestAlgorithm: DigestAlgorithm = .sha256
    ) throws -> PendingSignature {
        // Whole seconds: the signingTime attribute has no more, and the stored copy must match it.
        let now = Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down))
        guard certificate.isValid(at: now) else {
            throw Problem.badRequest(
                field: "signingCertificate",
                detail: "the certificate is not valid now (\(ISO8601DateFormatter().string(from: now))): valid from \(ISO8601DateFormatter().string(from: certificate.notBefore)) to \(ISO8601DateFormatter().string(from: certificate.notAfter))")
        }
        let usages = certificate.extensions.keyUsage
        guard usages.isEmpty || usages.contains(.digitalSignature) || usages.contains(.nonRepudiation) else {
            throw Problem.badRequest(
                field: "signingCertificate",
                detail: "the certificate's key usage (\(usages.map(\.rawValue).joined(separator: ", "))) allows neither digitalSignature nor nonRepudiation; issue one under the signature-person or seal-organization profile")
        }
        let (algorithm, digest) = try Self.digest(of: document, digestAlgorithm: digestAlgorithm)
        let embedded = certificate.isIssued(by: trust.issuing) ? trust.chain : chain
        let signature = try CAdESSignature.prepare(digest: digest, digestAlgorithm: algorithm, signer: certificate, chain: embedded, signingTime: now)
        let pending = PendingSignature(
            id: Identifier.random(prefix: "dts"), dataToSign: try signature.dataToSign, level: level, documentName: document.name,
            digestAlgorithm: algorithm, documentDigest: digest, signerCertificate: certificate, signingTime: now,
            expiresAt: now.addingTimeInterval(Self.pendingSignatureLifetime))
        try pendingSignatures.insert(pending, cms: try signature.der)
        logger.info("signature prepared", metadata: ["pending": "\(pending.id)", "signer": "\(certificate.subject)"])
        return pending
    }

    /// Step 2: puts the caller's signature value into the prepared signature, checks it, and at BASELINE_T
    /// adds the signature timestamp.
    /// - Throws: 404 for an unknown id, 409 once assembled, 410 once expired, 400 (field `signatureValue`)
    ///   when the value does not verify with the certificate's key.
    public func assembleSignature(id: String, signatureValue: [UInt8]) throws -> SignatureResult {
        guard Identifier.isSafe(id), let stored = try pendingSignatures.find(id) else {
            throw Problem.notFound(what: "prepared signature", id: String(id.prefix(64)))
        }
        guard stored.assembledAt == nil else {
            throw Problem.conflict(detail: "prepared signature \(id) was already assembled; prepare a new one with POST /pki/v1/signatures/data-to-sign")
        }
        guard clock.now() <= stored.pending.expiresAt else {
            throw Problem(
                status: .gone, slug: "expired", title: "Expired",
                detail: "prepared signature \(id) expired at \(ISO8601DateFormatter().string(from: stored.pending.expiresAt)); prepare a new one")
        }
        let signature = stored.signature
        do {
            try signature.insertSignatureValue(signatureValue, signer: stored.pending.signerCertificate)
        } catch {
            throw Problem.badRequest(
                field: "signatureValue",
                detail: "it does not verify with the signing certificate's key over dataToSign. Sign the dataToSign bytes themselves (not their base64) with \(stored.pending.digestAlgorithm.rawValue), e.g. \(stored.pending.signingCommand)")
        }
        let pending = stored.pending
        let token = pending.level == .baselineT ? try addSignatureTimestamp(to: signature) : nil
        guard try pendingSignatures.markAssembled(id, at: clock.now()) else {
            throw Problem.conflict(detail: "prepared signature \(id) was assembled by another request meanwhile")
        }
        return SignatureResult(
            format: .cades, level: pending.level, signature: try signature.der, signingTime: pending.signingTime, timestamp: token,
            signerCertificate: pending.signerCertificate, keyID: nil, documentName: pending.documentName,
            digestAlgorithm: pending.digestAlgorithm, documentDigest: pending.documentDigest)
    }
}

/// Prepared signatures in the PKI's database, so that a restart between the two steps loses nothing.
struct PendingSignatureRepository {
    struct Stored {
        let pending: PendingSignature
        /// The prepared SignedData, parsed once: step 2 fills in its signature value.
        let signature: CAdESSignature
        let assembledAt: Date?
    }

    let database: Database

    func insert(_ pending: PendingSignature, cms: [UInt8]) throws {
        try database.execute(
            """
            INSERT INTO pending_signatures (id, level, document_name, digest_algorithm, digest, certificate, cms, signing_time, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(pending.id), .text(pending.level.rawValue), .text(pending.documentName), .text(pending.digestAlgorithm.rawValue),
                .blob(pending.documentDigest), .blob(pending.signerCertificate.der), .blob(cms),
                .integer(CertificateRepository.seconds(pending.signingTime)), .integer(CertificateRepository.seconds(pending.expiresAt)),
            ])
    }

    func find(_ id: String) throws -> Stored? {
        guard let row = try database.queryOne("SELECT * FROM pending_signatures WHERE id = ?", [.text(id)]) else { return nil }
        let signature = try CAdESSignature(der: try row.blob("cms"))
        let pending = PendingSignature(
            id: id, dataToSign: try signature.dataToSign, level: SignatureLevel(rawValue: try row.string("level")) ?? .baselineB,
            documentName: try row.string("document_name"),
            digestAlgorithm: DigestAlgorithm(rawValue: try row.string("digest_algorithm")) ?? .sha256, documentDigest: try row.blob("digest"),
            signerCertificate: try Certificate(der: try row.blob("certificate")),
            signingTime: CertificateRepository.date(try row.int("signing_time")), expiresAt: CertificateRepository.date(try row.int("expires_at")))
        return Stored(pending: pending, signature: signature, assembledAt: row.optionalInt("assembled_at").map(CertificateRepository.date))
    }

    /// Marks a prepared signature used; false when another request already did.
    func markAssembled(_ id: String, at time: Date) throws -> Bool {
        try database.transaction { transaction in
            try transaction.execute(
                "UPDATE pending_signatures SET assembled_at = ? WHERE id = ? AND assembled_at IS NULL",
                [.integer(CertificateRepository.seconds(time)), .text(id)])
            return try transaction.queryOne("SELECT changes() AS changed").map { try $0.int("changed") } == 1
        }
    }
}
