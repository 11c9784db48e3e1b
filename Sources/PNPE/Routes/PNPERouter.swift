import HTTPTypes
import Foundation
import Hummingbird
import Logging
import SandboxCore

/// Assembles the PNPE block's HTTP interface: `/health`, the API under `/v1`, the checkout and payer
/// pages, and `/admin`. `sandbox up` and the tests both call this, so the block behaves the same alone
/// or alongside the others.
public enum PNPERouter {
    public static func build(platform: PaymentPlatform, adminToken: AdminToken, logger: Logger) -> Router<SandboxRequestContext> {
        let router = Router(context: SandboxRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(AccessLogMiddleware())
        router.middlewares.add(PNPEErrorMiddleware(maxBodyBytes: platform.configuration.maxBodyBytes))
        router.get("health") { _, _ in try APIResult.json(Health(time: platform.realNow)).response() }
        let gateway = APIGateway(platform: platform)
        let api = router.group("v1")
        PaymentRoutes(platform: platform, gateway: gateway).add(to: api)
        TestHelperRoutes(platform: platform, gateway: gateway).add(to: api)
        WebhookRoutes(platform: platform, gateway: gateway).add(to: api)
        FaultRoutes(platform: platform, gateway: gateway).add(to: api)
        ReportRoutes(platform: platform, gateway: gateway).add(to: api)
        PageRoutes(platform: platform).add(to: router)
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware(token: adminToken))
        AdminRoutes(platform: platform).add(to: admin)
        return router
    }

    struct Health: Encodable {
        var status = "ok"
        var block = "pnpe"
        var time: Date
    }
}
