import Foundation
import Hummingbird
import SandboxCore

/// Who the agent is: the session cookie the login set (pages), or the same token as
/// `Authorization: Bearer ses_…` (scripts and `sandbox demo`).
enum AgentAuthentication {
    static let cookieName = "agrement_session"

    static func token(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        return request.cookies[cookieName]?.value
    }

    static func agent(_ request: Request, service: AgrementService) throws -> ServiceDefinition.Agent? {
        guard let token = token(request) else { return nil }
        return try service.agent(session: token)
    }

    /// The agent, or a 401 problem saying how to log in.
    static func require(_ request: Request, service: AgrementService) throws -> ServiceDefinition.Agent {
        guard let agent = try agent(request, service: service) else {
            throw Problem(
                status: .unauthorized, slug: "agent-login", title: "Agent login required",
                detail: "log in with POST /api/v1/agents/session {login, password} and send the cookie or Authorization: Bearer <token>")
        }
        return agent
    }

    static func cookie(_ token: String) -> Cookie {
        Cookie(name: cookieName, value: token, maxAge: Int(AgrementService.sessionLifetime), path: "/", httpOnly: true, sameSite: .lax)
    }
}
