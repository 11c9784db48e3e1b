import Crypto
import Foundation
import SandboxCore

/// The back office's agents (from the definition file) and their sessions: a random token in an
/// `HttpOnly` cookie, remembered in the database for eight hours.
extension AgrementService {
    public static let sessionLifetime: TimeInterval = 8 * 3600

    /// A new session token for a correct login and password, nil otherwise.
    public func login(_ login: String, password: String) throws -> String? {
        guard let agent = definition.agents.first(where: { $0.login == login }) else { return nil }
        // Equal digests, compared in constant time by swift-crypto: the time taken says nothing of the password.
        guard SHA256.hash(data: Array(agent.password.utf8)) == SHA256.hash(data: Array(password.utf8)) else { return nil }
        let token = Identifier.random(prefix: "ses", bytes: 24)
        try store.createSession(token: token, login: agent.login, expires: clock.now().addingTimeInterval(Self.sessionLifetime))
        return token
    }

    public func agent(session token: String) throws -> ServiceDefinition.Agent? {
        guard Identifier.isSafe(token), let login = try store.sessionLogin(token: token, now: clock.now()) else { return nil }
        return definition.agents.first { $0.login == login }
    }

    public func logout(session token: String) throws { try store.deleteSession(token: token) }

    /// The agents' queue: requests waiting for them first, then the others still moving.
    public func queue() throws -> [Application] {
        try store.applications(statuses: [.pending]) + store.applications(statuses: [.sendBack, .approved, .rejected]).reversed()
    }
}
