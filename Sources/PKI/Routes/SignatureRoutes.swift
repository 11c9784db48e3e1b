import Foundation
import Hummingbird
import SandboxCore
import SandboxCrypto

/// `GET /pki/v1/signing-keys` (public: certificates only), `POST /pki/v1/signatures` (admin), and the
/// two-step flow for keys the caller holds: `/signatures/data-to-sign` then `/signatures/assemble` (admin).
struct SignatureRoutes {
    let authority: CertificateAuthority

    func addPublic(to group: RouterGroup<SandboxRequestContext>) {
        group.get("signing-keys", use: signingKeys)
    }

    func addAdmin(to group: RouterGroup<SandboxRequestContext>) {
        group.post("signatures", use: sign)
        group.post("signatures/data-to-sign", use: prepare)
        group.post("signatures/assemble", use: assemble)
    }

    struct SigningKeyDocument: Encodable {
        let keyId: String
        let owner: String
        let profile: String
        let subject: String
        let serialNumber: String
        let notAfter: Date
        let certificate: String
    }

    @Sendable func signingKeys(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try JSONResponse.make(authority.signingKeys.map { seal in
            SigningKeyDocument(
                keyId: seal.keyID, owner: seal.owner, profile: "seal-organization", subject: seal.certificate.subject.description,
                serialNumber: seal.certificate.serialNumber.hex, notAfter: seal.certificate.notAfter, certificate: seal.certificate.pem)
        })
    }

    struct SignBody: Decodable {
        let document: DocumentBody
        let format: String?
        let level: String?
        let digestAlgorithm: String?
        let signingKey: String
    }

    struct SignatureDocument: Encodable {
        struct Signer: Encodable {
            /// Nil for a signature assembled around the caller's own key.
            let keyId: String?
            let subject: String
            let serialNumber: String
            let certificate: String
        }
        struct Timestamp: Encodable {
            let genTime: Date?
            let serialNumber: String
            let tsa: String?
        }
        struct DocumentDigest: Encodable {
            let name: String
            let digest: [String: String]
        }
        let signatureFormat: String
        let mediaType: String
        let signature: String
        let signingTime: Date
        let timestamp: Timestamp?
        let signer: Signer
        let document: DocumentDigest
    }

    /// `POST /pki/v1/signatures`: a detached CAdES (B-B or B-T) or JAdES (B-B) signature by a PKI-held seal.
    @Sendable func sign(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: SignBody.self, context: context)
        guard let format = SignatureFormat(rawValue: body.format ?? "CAdES") else {
            throw Problem.badRequest(field: "format", detail: "use CAdES or JAdES")
        }
        let level = try InputParsing.level(body.level, default: .baselineB)
        let digestAlgorithm = try InputParsing.digestAlgorithm(body.digestAlgorithm)
        let input = try body.document.input(field: "document")
        let result = try authority.sign(input, format: format, level: level, keyID: body.signingKey, digestAlgorithm: digestAlgorithm)
        return try JSONResponse.make(SignatureDocument(result), status: .created)
    }

    struct DataToSignBody: Decodable {
        let document: DocumentBody
        /// PEM or base64 DER: the certificate of the caller's key.
        let signingCertificate: String
        /// Its issuers, for a certificate from another CA (the sandbox's own chain is added by itself).
        let certificateChain: [String]?
        let level: String?
        let digestAlgorithm: String?
    }

    struct DataToSignDocument: Encodable {
        let id: String
        let dataToSign: String
        let digestToSign: [String: String]
        let signingTime: Date
        let expiresAt: Date
        let level: String
        let signer: String
        let next: String
    }

    /// `POST /pki/v1/signatures/data-to-sign`: step 1 for a key the caller holds (CAdES only).
    @Sendable func prepare(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: DataToSignBody.self, context: context)
        let level = try InputParsing.level(body.level, default: .baselineB)
        let digestAlgorithm = try InputParsing.digestAlgorithm(body.digestAlgorithm)
        let certificate = try InputParsing.certificate(body.signingCertificate, field: "signingCertificate")
        let chain = try (body.certificateChain ?? []).enumerated().map {
            try InputParsing.certificate($0.element, field: "certificateChain[\($0.offset)]")
        }
        let input = try body.document.input(field: "document")
        let pending = try authority.prepareSignature(input, certificate: certificate, chain: chain, level: level, digestAlgorithm: digestAlgorithm)
        return try JSONResponse.make(
            DataToSignDocument(
                id: pending.id, dataToSign: Data(pending.dataToSign).base64EncodedString(),
                digestToSign: [
                    "algorithm": pending.digestAlgorithm.rawValue,
                    "value": Data(pending.digestAlgorithm.hash(pending.dataToSign)).base64EncodedString(),
                ],
                signingTime: pending.signingTime, expiresAt: pending.expiresAt, level: pending.level.rawValue,
                signer: pending.signerCertificate.subject.description,
                next: "Sign the dataToSign bytes with \(pending.digestAlgorithm.rawValue) and your key (\(pending.signingCommand)), then POST {\"id\", \"signatureValue\": base64} to /pki/v1/signatures/assemble"),
            status: .created)
    }

    struct AssembleBody: Decodable {
        let id: String
        /// Base64: DER ECDSA-Sig-Value or raw r‖s for EC keys, PKCS#1 v1.5 for RSA.
        let signatureValue: String
    }

    /// `POST /pki/v1/signatures/assemble`: step 2, the finished CAdES signature.
    @Sendable func assemble(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: AssembleBody.self, context: context)
        let value = try InputParsing.base64(body.signatureValue, field: "signatureValue")
        guard !value.isEmpty else { throw Problem.badRequest(field: "signatureValue", detail: "the signature value is empty") }
        let result = try authority.assembleSignature(id: body.id, signatureValue: value)
        return try JSONResponse.make(SignatureDocument(result), status: .created)
    }
}

extension SignatureRoutes.SignatureDocument {
    init(_ result: SignatureResult) {
        self.init(
            signatureFormat: result.formatName, mediaType: result.mediaType,
            signature: result.format == .cades ? Data(result.signature).base64EncodedString() : String(decoding: result.signature, as: UTF8.self),
            signingTime: result.signingTime,
            timestamp: result.timestamp.map { .init(genTime: $0.genTime, serialNumber: $0.serialNumber.hex, tsa: $0.tsaName) },
            signer: .init(
                keyId: result.keyID, subject: result.signerCertificate.subject.description,
                serialNumber: result.signerCertificate.serialNumber.hex, certificate: result.signerCertificate.pem),
            document: .init(
                name: result.documentName,
                digest: ["algorithm": result.digestAlgorithm.rawValue, "value": Data(result.documentDigest).base64EncodedString()]))
    }
}
