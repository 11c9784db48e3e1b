import Foundation
import Hummingbird
import SandboxCore
import SandboxCrypto

/// `POST /pki/v1/validations` and `/validations/certificate`: public, and a 200 with a report whatever the
/// verdict — only a request that cannot be read at all is a 4xx.
struct ValidationRoutes {
    let authority: CertificateAuthority

    func add(to group: RouterGroup<SandboxRequestContext>) {
        group.post("validations", use: validateSignature)
        group.post("validations/certificate", use: validateCertificate)
    }

    struct SignatureBody: Decodable {
        let signedDocument: DocumentBody
        let originalDocuments: [DocumentBody]?
        let validationTime: Date?
        let reportType: String?
    }

    @Sendable func validateSignature(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: SignatureBody.self, context: context)
        guard let encoded = body.signedDocument.bytes else {
            throw Problem.badRequest(field: "signedDocument.bytes", detail: "give the signature file (.p7s or .jws) in base64")
        }
        let signature = try InputParsing.base64(encoded, field: "signedDocument.bytes")
        guard !signature.isEmpty else { throw Problem.badRequest(field: "signedDocument.bytes", detail: "the signature file is empty") }
        let reportType = (body.reportType ?? "SIMPLE").uppercased()
        guard reportType == "SIMPLE" || reportType == "DETAILED" else {
            throw Problem.badRequest(field: "reportType", detail: "use SIMPLE or DETAILED")
        }
        let originals = try (body.originalDocuments ?? []).enumerated().map { index, document in
            try document.input(field: "originalDocuments[\(index)]", defaultName: "document-\(index + 1)")
        }
        let report = authority.validate(
            signature: signature, name: body.signedDocument.name ?? "signature", originals: originals, at: body.validationTime,
            detailed: reportType == "DETAILED")
        return try JSONResponse.make(["validationReport": report])
    }

    struct CertificateBody: Decodable {
        let certificate: String
        let certificateChain: [String]?
        let validationTime: Date?
    }

    @Sendable func validateCertificate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: CertificateBody.self, context: context)
        let certificate = try InputParsing.certificate(body.certificate, field: "certificate")
        let chain = try (body.certificateChain ?? []).enumerated().map { try InputParsing.certificate($0.element, field: "certificateChain[\($0.offset)]") }
        return try JSONResponse.make(authority.validate(certificate: certificate, chain: chain, at: body.validationTime))
    }
}
