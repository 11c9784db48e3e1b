import Foundation
import Hummingbird
import Logging
import SandboxCore

/// The two listeners of a security server. The client side takes every `/r1/…` call from information
/// systems; the server side takes signed messages from other security servers.
public enum SecurityServerRouters {
    /// Methods the REST protocol allows (`RestRequest.Verb`).
    static let restMethods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .options, .head, .init("TRACE")!]

    /// - Parameter adminToken: the key of the admin API (`/api/v1`); nil serves no admin API.
    public static func clientSide(_ server: SecurityServer, adminToken: String? = nil, logger: Logger) -> Router<SandboxRequestContext> {
        // The body limit middleware never fires here: the proxies collect at most their own limit and answer
        // in X-Road's error format (the admin API decodes within the request context's upload limit).
        let router = Router.sandbox(logger: logger, maxBodyBytes: .max)
        let proxy = ClientProxy(server: server)
        for method in restMethods {
            router.on("/r1/**", method: method) { request, context in await proxy.handle(request, context: context) }
        }
        router.get("/health") { _, _ in "ok" }
        router.get("/wsdl") { request, _ in await WSDLDownload.fetch(request, server: server) }
        router.get("/asic") { request, _ in await AsicDownload.response(request, server: server) }
        router.get("/sandbox/messagelog") { request, _ in MessageLogListing.response(request, server: server) }
        if let adminToken { AdminAPI(server: server, token: adminToken).add(to: router) }
        router.get("/listClients") { request, _ in
            ListClients.response(topology: server.topology, instance: request.uri.queryParameters["xRoadInstance"].map(String.init), accept: request.headers[.accept])
        }
        // Everything else is the SOAP handler's, as in the implementation (a GET there is InvalidHttpMethod).
        let soap = SoapClientProxy(server: server)
        for method in restMethods {
            router.on("/", method: method) { request, context in await soap.handle(request, context: context) }
            router.on("/**", method: method) { request, context in await soap.handle(request, context: context) }
        }
        return router
    }

    public static func serverSide(_ server: SecurityServer, logger: Logger) -> Router<SandboxRequestContext> {
        let router = Router.sandbox(logger: logger, maxBodyBytes: SecurityServer.maximumBodySize + (1 << 20))
        let proxy = ServerProxy(server: server)
        router.post("/") { request, context in await proxy.handle(request, context: context) }
        router.get("/health") { _, _ in "ok" }
        return router
    }
}
