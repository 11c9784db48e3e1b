import Foundation
import Hummingbird
import SandboxCore

/// The agents' operations as JSON under `/api/v1/agents`: log in, the queue, a file, a decision.
struct BackOfficeAPI {
    let service: AgrementService

    func add(to api: RouterGroup<SandboxRequestContext>) {
        api.post("agents/session", use: login)
        api.delete("agents/session", use: logout)
        api.get("agents/queue", use: queue)
        api.get("agents/applications/:id", use: show)
        api.post("agents/applications/:id/decision", use: decide)
    }

    struct Credentials: Decodable {
        let login: String
        let password: String
    }

    struct DecisionBody: Decodable {
        let action: String
        let reason: String?
    }

    @Sendable func login(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let credentials = try await request.decode(as: Credentials.self, context: context)
        guard let token = try service.login(credentials.login, password: credentials.password) else {
            throw Problem(status: .unauthorized, slug: "agent-login", title: "Wrong login or password", detail: "login or password is wrong (see Fixtures/agrement-fai.json)")
        }
        var response = try JSONResponse.make(["token": token, "login": credentials.login], status: .created)
        response.setCookie(AgentAuthentication.cookie(token))
        return response
    }

    @Sendable func logout(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        if let token = AgentAuthentication.token(request) { try service.logout(session: token) }
        return Response(status: .noContent)
    }

    @Sendable func queue(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        _ = try AgentAuthentication.require(request, service: service)
        return try JSONResponse.make(try service.queue())
    }

    @Sendable func show(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        _ = try AgentAuthentication.require(request, service: service)
        return try JSONResponse.make(DossierView(try service.dossier(try context.parameters.require("id")), service: service))
    }

    /// `{"action": "approve" | "reject" | "send_back", "reason": "…"}`.
    @Sendable func decide(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let agent = try AgentAuthentication.require(request, service: service)
        let body = try await request.decode(as: DecisionBody.self, context: context)
        guard let action = WorkflowAction(rawValue: body.action) else {
            throw Problem.badRequest(field: "action", detail: "must be approve, reject or send_back")
        }
        let id = try context.parameters.require("id")
        _ = try await service.decide(id, action: action, reason: body.reason, agent: agent.login)
        return try JSONResponse.make(DossierView(try service.dossier(id), service: service))
    }
}
