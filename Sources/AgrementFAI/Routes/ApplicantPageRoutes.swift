import Foundation
import Hummingbird
import SandboxCore

/// The applicant's pages (French first, `?lang=en`). Each form posts to a route that calls the service,
/// then redirects to the request's page; a refusal shows the page again with the reason.
struct ApplicantPageRoutes {
    let service: AgrementService

    func add(to router: Router<SandboxRequestContext>) {
        router.get("/", use: home)
        router.post("demandes", use: create)
        router.get("demandes/:id", use: show)
        router.post("demandes/:id", use: edit)
        router.post("demandes/:id/documents", use: upload)
        router.post("demandes/:id/soumettre", use: submit)
        router.post("demandes/:id/controles", use: retry)
        router.post("demandes/:id/paiement", use: pay)
        router.get("demandes/:id/paiement/retour", use: paymentReturn)
        router.get("messages") { request, _ in PageResponse.html(OutboxPage.render(try service.outbox(), language: request.language)) }
    }

    @Sendable func home(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        PageResponse.html(ApplicantPages.home(definition: service.definition, language: request.language))
    }

    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let fields = try await HTMLForms.decode(HTMLForms.ApplicationFields.self, request)
        let t = Words(language: request.language)
        do {
            let application = try service.create(try fields.form())
            return PageResponse.redirect(t.link("/demandes/\(application.id)"))
        } catch let problem as Problem {
            let form = (try? fields.form()) ?? ApplicationForm()
            return PageResponse.html(ApplicantPages.home(definition: service.definition, language: request.language, form: form, error: Self.message(problem)), status: problem.status)
        }
    }

    @Sendable func show(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        PageResponse.html(ApplicantPages.dossier(try service.dossier(try context.parameters.require("id")), service: service, language: request.language))
    }

    @Sendable func edit(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let fields = try await HTMLForms.decode(HTMLForms.ApplicationFields.self, request)
        return try await act(request, context) { id in _ = try service.update(id, try fields.form()) }
    }

    @Sendable func upload(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await act(request, context) { id in
            let parts = try await HTMLForms.multipart(request, limit: service.definition.maxDocumentBytes + 16 * 1024)
            guard let code = parts.first(where: { $0.name == "code" }).map({ String(decoding: $0.body, as: UTF8.self) }) else {
                throw Problem.badRequest(field: "code", detail: "is required")
            }
            guard let file = parts.first(where: { $0.name == "file" }), !file.body.isEmpty else { throw Problem.badRequest(field: "file", detail: "choose a PDF file") }
            _ = try service.upload(id, code: code, filename: file.filename, bytes: file.body)
        }
    }

    @Sendable func submit(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await act(request, context) { id in _ = try await service.submit(id) }
    }

    @Sendable func retry(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await act(request, context) { id in _ = try await service.retryChecks(id) }
    }

    /// Creates the payment, then sends the browser to the PNPE's hosted checkout.
    @Sendable func pay(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        var checkout = ""
        let response = try await act(request, context) { id in checkout = try await service.startPayment(id).checkoutURL }
        return checkout.isEmpty ? response : PageResponse.redirect(checkout + (request.language == .en ? "?lang=en" : ""))
    }

    /// The checkout's `return_url`. Its `status` parameter is not trusted: the service asks the PNPE.
    @Sendable func paymentReturn(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        await service.paymentReturned(id, paymentID: request.uri.queryParameters["payment_id"].map(String.init))
        return PageResponse.redirect(Words(language: request.language).link("/demandes/\(id)"))
    }

    /// Runs `action` on the request, then redirects to its page; a problem re-renders the page with it.
    private func act(_ request: Request, _ context: SandboxRequestContext, _ action: (String) async throws -> Void) async throws -> Response {
        let id = try context.parameters.require("id")
        do {
            try await action(id)
            return PageResponse.redirect(Words(language: request.language).link("/demandes/\(id)"))
        } catch let problem as Problem where problem.status != .notFound {
            return PageResponse.html(ApplicantPages.dossier(try service.dossier(id), service: service, language: request.language, error: Self.message(problem)), status: problem.status)
        }
    }

    /// A problem in one line for a page: its detail, and the other faulty fields.
    static func message(_ problem: Problem) -> String {
        problem.errors.count > 1 ? problem.errors.map { "\($0.field): \($0.message)" }.joined(separator: " · ") : problem.detail
    }
}
