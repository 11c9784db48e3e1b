import Foundation
import Hummingbird
import Logging
import NIOCore
import SandboxCore

/// The central server's HTTP interface: the global configuration download, and the two management
/// requests a security server sends when the admin API registers or unregisters a client (PR-MSERV's
/// `clientReg` and `clientDeletion`, here JSON, authenticated with the sandbox admin token).
public enum CentralServerRouter {
    struct ManagementRequest: Decodable {
        let securityServer: String
        let client: String
        let subsystemName: String?
    }

    struct ManagementAnswer: Encodable {
        let status = "APPROVED"
        let configurationVersion: Int
    }

    public static func build(_ central: CentralServer, adminToken: String, logger: Logger) -> Router<SandboxRequestContext> {
        let router = Router.sandbox(logger: logger, maxBodyBytes: 64 * 1024)
        router.get("/health") { _, _ in "ok" }
        router.get("/globalconf") { _, _ in try AdminAPI.json(central.document) }
        let management = router.group("managementservice").add(middleware: APIKeyMiddleware(token: adminToken))
        management.post("clientReg") { request, context in
            let (client, body) = try await decode(request, context: context)
            return try answer { try central.register(client, name: body.subsystemName, on: body.securityServer) }
        }
        management.post("clientDeletion") { request, context in
            let (client, body) = try await decode(request, context: context)
            return try answer { try central.unregister(client, from: body.securityServer) }
        }
        return router
    }

    private static func decode(_ request: Request, context: SandboxRequestContext) async throws -> (XRoadClientID, ManagementRequest) {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let body = try? decoder.decode(ManagementRequest.self, from: Data(buffer.readableBytesView)) else {
            throw Problem.badRequest(field: "body", detail: #"give {"security_server":"ss-arcep","client":"INSTANCE:CLASS:CODE:SUBSYSTEM"}"#)
        }
        do {
            return (try XRoadClientID.parse(body.client.replacingOccurrences(of: ":", with: "/")), body)
        } catch {
            throw Problem.badRequest(field: "client", detail: error.description)
        }
    }

    private static func answer(_ change: () throws -> Int) throws -> Response {
        do {
            return try AdminAPI.json(ManagementAnswer(configurationVersion: try change()))
        } catch let error as CentralServer.RequestError {
            throw Problem.badRequest(field: error.field, detail: error.description)
        }
    }
}
