import Foundation
import Hummingbird
import SandboxCore
import SandboxCrypto

/// `GET /pki/v1/signing-keys` (public: certificates only) and `POST /pki/v1/signatures` (admin).
struct SignatureRoutes {
    let authority: CertificateAuthority

    func addPublic(to group: RouterGroup<SandboxRequestContext>) {
        group.get("signing-keys", use: signingKeys)
    }

    func addAdmin(to group: RouterGroup<SandboxRequestContext>) {
        group.post("signatures", use: sign)
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
            let keyId: String
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
        guard let level = SignatureLevel(rawValue: body.level ?? "BASELINE_B") else {
            throw Problem.badRequest(field: "level", detail: "use BASELINE_B or BASELINE_T")
        }
        guard let digestAlgorithm = DigestAlgorithm(name: body.digestAlgorithm ?? "SHA256") else {
            throw Problem.badRequest(field: "digestAlgorithm", detail: "use SHA256, SHA384 or SHA512")
        }
        let input = try body.document.input(field: "document")
        let result = try authority.sign(input, format: format, level: level, keyID: body.signingKey, digestAlgorithm: digestAlgorithm)
        let document = SignatureDocument(
            signatureFormat: result.formatName, mediaType: result.mediaType,
            signature: format == .cades ? Data(result.signature).base64EncodedString() : String(decoding: result.signature, as: UTF8.self),
            signingTime: result.signingTime,
            timestamp: result.timestamp.map { .init(genTime: $0.genTime, serialNumber: $0.serialNumber.hex, tsa: $0.tsaName) },
            signer: .init(
                keyId: result.seal.keyID, subject: result.seal.certificate.subject.description,
                serialNumber: result.seal.certificate.serialNumber.hex, certificate: result.seal.certificate.pem),
            document: .init(
                name: result.documentName,
                digest: ["algorithm": result.digestAlgorithm.rawValue, "value": Data(result.documentDigest).base64EncodedString()]))
        return try JSONResponse.make(document, status: .created)
    }
}
