import Foundation
import Hummingbird
import SandboxCore
import SandboxCrypto

/// The document register: sign-and-register and withdraw (admin); QR codes, the verification JSON and the
/// public page (anyone).
struct DocumentRoutes {
    let authority: CertificateAuthority

    func addPublic(to api: RouterGroup<SandboxRequestContext>, root router: Router<SandboxRequestContext>) {
        api.get("documents/:id/verification", use: verification)
        api.get("documents/:id/qr.png", use: qrPNG)
        api.get("documents/:id/qr.svg", use: qrSVG)
        router.get("verify/:id", use: page)
    }

    func addAdmin(to group: RouterGroup<SandboxRequestContext>) {
        group.post("documents", use: register)
        group.post("documents/:id/revoke", use: revoke)
    }

    struct RegisterBody: Decodable {
        let document: DocumentBody
        let type: String
        let title: String
        let holder: String
        let expiresAt: Date?
        let signingKey: String?
        let format: String?
        let level: String?
    }

    /// `POST /pki/v1/documents`: sign with a seal (CAdES-B-T by default) and register.
    @Sendable func register(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: RegisterBody.self, context: context)
        let input = try body.document.input(field: "document")
        guard let format = SignatureFormat(rawValue: body.format ?? "CAdES") else { throw Problem.badRequest(field: "format", detail: "use CAdES or JAdES") }
        let level = try InputParsing.level(body.level, default: .baselineT)
        let (document, signed) = try authority.register(
            input, type: body.type, title: body.title, holder: body.holder, expiresAt: body.expiresAt,
            keyID: body.signingKey ?? SealDefinition.arcep.keyID, format: format, level: level)
        struct Registered: Encodable {
            let documentId: String
            let signatureFormat: String
            let mediaType: String
            let signature: String
            let signingTime: Date
            let digest: [String: String]
            let verification: [String: String]
        }
        let url = authority.verificationURL(document.id)
        return try JSONResponse.make(
            Registered(
                documentId: document.id, signatureFormat: signed.formatName, mediaType: signed.mediaType,
                signature: format == .cades ? Data(signed.signature).base64EncodedString() : String(decoding: signed.signature, as: UTF8.self),
                signingTime: signed.signingTime,
                digest: ["algorithm": document.digestAlgorithm.rawValue, "value": Data(document.digest).base64EncodedString()],
                verification: [
                    "url": url, "json": "/pki/v1/documents/\(document.id)/verification",
                    "qrPng": "/pki/v1/documents/\(document.id)/qr.png", "qrSvg": "/pki/v1/documents/\(document.id)/qr.svg",
                ]),
            status: .created, headers: [.location: "/pki/v1/documents/\(document.id)/verification"])
    }

    struct RevokeBody: Decodable {
        let reason: String?
        let supersededBy: String?
    }

    /// `POST /pki/v1/documents/{id}/revoke` with `{"reason":"WITHDRAWN"|"SUPERSEDED"|"ERROR"}`.
    @Sendable func revoke(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let body = try await request.decode(as: RevokeBody.self, context: context)
        guard let reason = DocumentRevocationReason(rawValue: (body.reason ?? "WITHDRAWN").uppercased()) else {
            throw Problem.badRequest(field: "reason", detail: "use WITHDRAWN, SUPERSEDED or ERROR")
        }
        _ = try authority.revokeDocument(id, reason: reason, supersededBy: body.supersededBy)
        return try JSONResponse.make(authority.verify(documentID: id))
    }

    @Sendable func verification(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let result = authority.verify(documentID: try context.parameters.require("id"))
        return try JSONResponse.make(result, status: result.status == "UNKNOWN" ? .notFound : .ok)
    }

    private func qr(_ context: SandboxRequestContext) throws -> QRCode {
        let document = try authority.document(try context.parameters.require("id"))
        return try QRCode(encoding: authority.verificationURL(document.id))
    }

    @Sendable func qrPNG(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        BinaryResponse.make(try qr(context).png(), contentType: "image/png")
    }

    @Sendable func qrSVG(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        BinaryResponse.make(Array(try qr(context).svg().utf8), contentType: "image/svg+xml")
    }

    /// `GET /verify/{id}`: the page a QR code opens.
    @Sendable func page(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let result = authority.verify(documentID: try context.parameters.require("id"))
        let html = VerificationPage.render(result, language: request.language)
        return BinaryResponse.make(Array(html.utf8), contentType: "text/html; charset=utf-8", status: result.status == "UNKNOWN" ? .notFound : .ok)
    }
}
