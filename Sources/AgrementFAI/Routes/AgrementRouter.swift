import Foundation
import Hummingbird
import Logging
import SandboxCore

/// Every route of the e-service on one router (port 3000): the pages, the JSON API, the PNPE webhook.
public enum AgrementRouter {
    public static func build(service: AgrementService, logger: Logger) -> Router<SandboxRequestContext> {
        // Room for one document and a multipart envelope; each route collects only what it needs.
        let router = Router.sandbox(logger: logger, maxBodyBytes: service.definition.maxDocumentBytes + 64 * 1024)
        router.get("health") { _, _ in "ok" }
        let api = router.group("api/v1")
        ApplicantAPI(service: service).add(to: api)
        BackOfficeAPI(service: service).add(to: api)
        WebhookRoute(service: service).add(to: router)
        ApplicantPageRoutes(service: service).add(to: router)
        BackOfficePageRoutes(service: service).add(to: router)
        return router
    }
}
