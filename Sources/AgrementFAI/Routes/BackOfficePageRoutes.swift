import Foundation
import Hummingbird
import SandboxCore

/// The agents' pages under `/agents`: a login form setting the session cookie, the queue, a file and its
/// decision form.
struct BackOfficePageRoutes {
    let service: AgrementService

    func add(to router: Router<SandboxRequestContext>) {
        router.get("agents", use: loginPage)
        router.post("agents/connexion", use: login)
        router.post("agents/deconnexion", use: logout)
        router.get("agents/dossiers", use: queue)
        router.get("agents/dossiers/:id", use: file)
        router.post("agents/dossiers/:id/decision", use: decide)
    }

    struct LoginFields: Decodable {
        let login: String?
        let password: String?
    }

    struct DecisionFields: Decodable {
        let action: String?
        let reason: String?
    }

    @Sendable func loginPage(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        PageResponse.html(BackOfficePages.login(language: request.language))
    }

    @Sendable func login(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let fields = try await HTMLForms.decode(LoginFields.self, request)
        guard let token = try service.login(fields.login ?? "", password: fields.password ?? "") else {
            let message = Words(language: request.language)("Identifiant ou mot de passe incorrect.", "Wrong login or password.")
            return PageResponse.html(BackOfficePages.login(language: request.language, error: message), status: .unauthorized)
        }
        var response = PageResponse.redirect(Words(language: request.language).link("/agents/dossiers"))
        response.setCookie(AgentAuthentication.cookie(token))
        return response
    }

    @Sendable func logout(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        if let token = AgentAuthentication.token(request) { try service.logout(session: token) }
        var response = PageResponse.redirect(Words(language: request.language).link("/agents"))
        response.setCookie(Cookie(name: AgentAuthentication.cookieName, value: "", maxAge: 0, path: "/"))
        return response
    }

    /// The agent, or nil with the redirect to the login page.
    private func agent(_ request: Request) throws -> ServiceDefinition.Agent? { try AgentAuthentication.agent(request, service: service) }

    private func toLogin(_ request: Request) -> Response { PageResponse.redirect(Words(language: request.language).link("/agents")) }

    @Sendable func queue(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        guard let agent = try agent(request) else { return toLogin(request) }
        return PageResponse.html(BackOfficePages.queue(try service.queue(), agent: agent, language: request.language))
    }

    @Sendable func file(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        guard let agent = try agent(request) else { return toLogin(request) }
        let dossier = try service.dossier(try context.parameters.require("id"))
        return PageResponse.html(BackOfficePages.file(dossier, service: service, agent: agent, language: request.language))
    }

    @Sendable func decide(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        guard let agent = try agent(request) else { return toLogin(request) }
        let id = try context.parameters.require("id")
        let fields = try await HTMLForms.decode(DecisionFields.self, request)
        do {
            guard let action = fields.action.flatMap(WorkflowAction.init(rawValue:)) else {
                throw Problem.badRequest(field: "action", detail: "must be approve, reject or send_back")
            }
            _ = try await service.decide(id, action: action, reason: fields.reason, agent: agent.login)
            return PageResponse.redirect(Words(language: request.language).link("/agents/dossiers/\(id)"))
        } catch let problem as Problem where problem.status != .notFound {
            let page = BackOfficePages.file(try service.dossier(id), service: service, agent: agent, language: request.language, error: ApplicantPageRoutes.message(problem))
            return PageResponse.html(page, status: problem.status)
        }
    }
}
