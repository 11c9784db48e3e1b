import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// The applicant's operations as a JSON API under `/api/v1/applications`: the same as the pages, for a
/// mobile app, a script or `sandbox demo`. Errors are RFC 9457 problems naming the field.
struct ApplicantAPI {
    let service: AgrementService

    func add(to api: RouterGroup<SandboxRequestContext>) {
        api.post("applications", use: create)
        api.get("applications/:id", use: show)
        api.patch("applications/:id", use: edit)
        api.put("applications/:id/documents/:code", use: upload)
        api.get("applications/:id/documents/:code", use: download)
        api.post("applications/:id/submit", use: submit)
        api.post("applications/:id/checks/retry", use: retryChecks)
        api.post("applications/:id/payment", use: pay)
        api.post("applications/:id/payment/refresh", use: refreshPayment)
        api.get("applications/:id/decision.json", use: decisionJSON)
        api.get("applications/:id/decision.json.p7s", use: decisionSignature)
        api.get("applications/:id/decision.html", use: decisionHTML)
        api.get("outbox") { _, _ in try JSONResponse.make(try service.outbox()) }
    }

    private func view(_ id: String, status: HTTPResponse.Status = .ok) throws -> Response {
        try JSONResponse.make(DossierView(try service.dossier(id), service: service), status: status)
    }

    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let form = try await request.decode(as: ApplicationForm.self, context: context)
        let application = try service.create(form)
        var response = try view(application.id, status: .created)
        response.headers[.location] = "/api/v1/applications/\(application.id)"
        return response
    }

    @Sendable func show(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try view(try context.parameters.require("id"))
    }

    @Sendable func edit(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let form = try await request.decode(as: ApplicationForm.self, context: context)
        return try view(try service.update(try context.parameters.require("id"), form).id)
    }

    /// `PUT …/documents/{code}` with the PDF as the body (`Content-Type: application/pdf`).
    @Sendable func upload(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let code = try context.parameters.require("code")
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/pdf" else { throw Problem.unsupportedMediaType(expected: ["application/pdf"], got: type) }
        let limit = service.definition.maxDocumentBytes
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: limit)
        } catch {
            throw Problem.payloadTooLarge(limit: limit)
        }
        let document = try service.upload(id, code: code, filename: request.uri.queryParameters["filename"].map(String.init), bytes: Array(bytes.readableBytesView))
        return try JSONResponse.make(document, status: .created)
    }

    @Sendable func download(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (document, bytes) = try service.document(try context.parameters.require("id"), code: try context.parameters.require("code"))
        var response = BinaryResponse.make(bytes, contentType: "application/pdf")
        response.headers[.contentDisposition] = "inline; filename=\"\(document.filename)\""
        return response
    }

    @Sendable func submit(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try view(try await service.submit(try context.parameters.require("id")).id)
    }

    @Sendable func retryChecks(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let all = request.uri.queryParameters["all"] == "true"
        return try view(try await service.retryChecks(try context.parameters.require("id"), all: all).id)
    }

    /// Creates (or returns the open) fee payment; the client sends the payer to `checkoutURL`.
    @Sendable func pay(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try JSONResponse.make(try await service.startPayment(try context.parameters.require("id")), status: .created)
    }

    /// Asks the PNPE now about the open payment (what the browser's return triggers).
    @Sendable func refreshPayment(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        await service.paymentReturned(id, paymentID: nil)
        return try view(id)
    }

    private func decision(_ context: SandboxRequestContext) throws -> (Dossier, Decision) {
        let dossier = try service.dossier(try context.parameters.require("id"))
        guard let decision = dossier.decision else { throw Problem.notFound(what: "decision for request", id: dossier.application.id) }
        return (dossier, decision)
    }

    @Sendable func decisionJSON(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (dossier, decision) = try decision(context)
        return Self.attachment(decision.json, type: "application/json", name: "\(dossier.application.number ?? "decision").json")
    }

    @Sendable func decisionSignature(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (dossier, decision) = try decision(context)
        return Self.attachment(decision.signature, type: "application/pkcs7-signature", name: "\(dossier.application.number ?? "decision").json.p7s")
    }

    @Sendable func decisionHTML(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (dossier, decision) = try decision(context)
        return PageResponse.html(DecisionPage.render(dossier: dossier, decision: decision, definition: service.definition, language: request.language))
    }

    static func attachment(_ bytes: [UInt8], type: String, name: String) -> Response {
        var response = BinaryResponse.make(bytes, contentType: type)
        response.headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return response
    }
}
