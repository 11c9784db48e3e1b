import Foundation
import Logging
import SandboxCore
import SandboxCrypto
import Synchronization

/// A document as a request gives it: the document itself, or only its hash (then the document never
/// leaves the caller). What gets signed, and what a detached signature is checked against.
public enum DocumentInput: Sendable {
    case bytes(name: String, [UInt8])
    case digest(name: String, DigestAlgorithm, [UInt8])

    var name: String {
        switch self {
        case .bytes(let name, _), .digest(let name, _, _): name
        }
    }

    /// The document's digest under `algorithm`, or nil when only a digest under another algorithm was given.
    func digest(_ algorithm: DigestAlgorithm) -> [UInt8]? {
        switch self {
        case .bytes(_, let bytes): algorithm.hash(bytes)
        case .digest(_, let given, let value): given == algorithm ? value : nil
        }
    }
}

public enum SignatureFormat: String, Sendable, Codable {
    case cades = "CAdES"
    case jades = "JAdES"
}

public enum SignatureLevel: String, Sendable, Codable {
    case baselineB = "BASELINE_B"
    case baselineT = "BASELINE_T"
}

/// A detached signature the PKI made: with one of its seals, or assembled around a caller's signature value.
public struct SignatureResult: Sendable {
    public let format: SignatureFormat
    public let level: SignatureLevel
    /// DER CMS for CAdES, ASCII compact serialization for JAdES.
    public let signature: [UInt8]
    public let signingTime: Date
    public let timestamp: TimestampToken?
    public let signerCertificate: Certificate
    /// The seal's key id; nil when the key is the caller's (two-step flow).
    public let keyID: String?
    public let documentName: String
    public let digestAlgorithm: DigestAlgorithm
    public let documentDigest: [UInt8]

    /// `CAdES_BASELINE_T`, as DSS names signature formats.
    public var formatName: String { "\(format.rawValue)_\(level.rawValue)" }
    public var mediaType: String { format == .cades ? "application/pkcs7-signature" : "application/jose" }
}

extension CertificateAuthority {
    /// The seals, by key id.
    public var signingKeys: [Seal] { seals.withLock { Array($0.values).sorted { $0.keyID < $1.keyID } } }

    /// Loads each seal from `certs/`, or makes it: a key generated here, certified under `seal-organization`
    /// by the issuing CA and recorded like any certificate (so a lab can revoke it).
    func loadOrCreateSeals(_ definitions: [SealDefinition]) throws {
        let store = SealStore(certsDirectory: configuration.certsDirectory)
        for definition in definitions {
            let seal: Seal
            if let existing = store.load(definition, issuing: trust.issuing) {
                seal = existing
                try repository.insert(seal.certificate, issuerID: "issuing", profile: "seal-organization", issuedAt: seal.certificate.notBefore, serverGeneratedKey: true)
            } else {
                let (certificate, key) = try issueWithGeneratedKey(
                    profile: "seal-organization", subject: definition.subject, subjectAltNames: nil, keyAlgorithm: .ecdsaP256, validityDays: nil)
                seal = Seal(keyID: definition.keyID, owner: definition.owner, certificate: certificate, key: key)
                try store.save(seal)
                logger.info("seal created", metadata: ["key": "\(definition.keyID)", "serial": "\(certificate.serialNumber.hex)"])
            }
            seals.withLock { $0[definition.keyID] = seal }
        }
    }

    /// Signs with one of the PKI's seals.
    /// - Throws: a 400 ``Problem`` naming the field for an unknown key, a digest of the wrong length, or a
    ///   combination the sandbox does not make (JAdES from a digest alone, JAdES at B-T).
    public func sign(_ document: DocumentInput, format: SignatureFormat, level: SignatureLevel, keyID: String, digestAlgorithm: DigestAlgorithm = .sha256) throws -> SignatureResult {
        guard let seal = seals.withLock({ $0[keyID] }) else {
            throw Problem.badRequest(field: "signingKey", detail: "unknown signing key \"\(keyID)\"; see GET /pki/v1/signing-keys (known: \(signingKeys.map(\.keyID).joined(separator: ", ")))")
        }
        let (algorithm, digest) = try Self.digest(of: document, digestAlgorithm: digestAlgorithm)
        let now = clock.now()
        switch format {
        case .cades:
            let signature = try CAdESSignature.sign(
                digest: digest, digestAlgorithm: algorithm, signer: seal.certificate, key: seal.key, chain: trust.chain, signingTime: now)
            let token = level == .baselineT ? try addSignatureTimestamp(to: signature) : nil
            return SignatureResult(
                format: format, level: level, signature: try signature.der, signingTime: now, timestamp: token,
                signerCertificate: seal.certificate, keyID: seal.keyID, documentName: document.name, digestAlgorithm: algorithm,
                documentDigest: digest)
        case .jades:
            guard level == .baselineB else {
                throw Problem.badRequest(field: "level", detail: "JAdES is produced at BASELINE_B (compact serialization); use CAdES for BASELINE_T")
            }
            guard case .bytes(_, let payload) = document else {
                throw Problem.badRequest(field: "document.bytes", detail: "a detached JWS signs the document itself: give document.bytes (digest-only signing is for CAdES)")
            }
            let compact = try JAdESCompact.sign(payload: payload, seal: seal, chain: trust.chain, signingTime: now)
            return SignatureResult(
                format: format, level: level, signature: Array(compact.utf8), signingTime: now, timestamp: nil,
                signerCertificate: seal.certificate, keyID: seal.keyID, documentName: document.name, digestAlgorithm: algorithm,
                documentDigest: digest)
        }
    }
}

extension CertificateAuthority {
    /// Raises a CAdES signature to BASELINE_T: a token from the PKI's own TSA over its signature value.
    func addSignatureTimestamp(to signature: CAdESSignature) throws -> TimestampToken {
        let token = try timestamp(digestAlgorithm: .sha256, digest: DigestAlgorithm.sha256.hash(signature.signatureValue))
        try signature.addSignatureTimestamp(token)
        return token
    }

    /// The digest a signature will carry: computed from the document, or the one given (checked for length).
    /// - Throws: a 400 ``Problem`` for an empty document, a digest of the wrong length, or SHA-1.
    static func digest(of document: DocumentInput, digestAlgorithm: DigestAlgorithm) throws -> (DigestAlgorithm, [UInt8]) {
        let algorithm: DigestAlgorithm
        let digest: [UInt8]
        switch document {
        case .bytes(_, let bytes):
            guard !bytes.isEmpty else { throw Problem.badRequest(field: "document.bytes", detail: "the document is empty") }
            algorithm = digestAlgorithm
            digest = algorithm.hash(bytes)
        case .digest(_, let given, let value):
            guard value.count == given.length else {
                throw Problem.badRequest(field: "document.digest.value", detail: "a \(given.rawValue) digest has \(given.length) bytes; this one has \(value.count)")
            }
            algorithm = given
            digest = value
        }
        guard algorithm != .sha1 else { throw Problem.badRequest(field: "digestAlgorithm", detail: "SHA-1 is not accepted for new signatures; use SHA256") }
        return (algorithm, digest)
    }
}

/// JAdES baseline B in JWS compact serialization with a detached payload (RFC 7515 App. F; ETSI TS 119 182-1
/// header names as DSS uses them).
enum JAdESCompact {
    static func sign(payload: [UInt8], seal: Seal, chain: [Certificate], signingTime: Date) throws -> String {
        guard let keyAlgorithm = seal.certificate.publicKey.algorithm else { throw Problem.internal(detail: "unsupported seal key") }
        let header: [String: any Sendable] = [
            "alg": JWSSigner.algorithm(for: keyAlgorithm),
            "typ": "jose",
            "x5t#S256": Base64URL.encode(DigestAlgorithm.sha256.hash(seal.certificate.der)),
            "x5c": ([seal.certificate] + chain).map { Data($0.der).base64EncodedString() },
            "sigT": ISO8601DateFormatter().string(from: signingTime),
            "crit": ["sigT"],
        ]
        let headerJSON = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        let encodedHeader = Base64URL.encode([UInt8](headerJSON))
        let signingInput = Array("\(encodedHeader).\(Base64URL.encode(payload))".utf8)
        let signature = try JWSSigner.sign(signingInput, key: seal.key)
        // Detached: the payload part is left empty in the serialization.
        return "\(encodedHeader)..\(Base64URL.encode(signature))"
    }
}
