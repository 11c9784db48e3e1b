import Foundation
import HTTPTypes
import Hummingbird
import SandboxCore

/// `POST /webhooks/pnpe`: the PNPE's signed events. The body is read as raw bytes and verified before
/// anything parses it. A 2xx tells the PNPE to stop retrying; a 5xx (the PNPE could not be asked back)
/// makes it deliver again later.
struct WebhookRoute {
    let service: AgrementService

    func add(to router: Router<SandboxRequestContext>) {
        router.post("webhooks/pnpe", use: receive)
    }

    @Sendable func receive(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let raw = try await request.body.collect(upTo: 256 * 1024)
        let outcome = try await service.receiveWebhook(body: Array(raw.readableBytesView), signature: request.headers[HTTPField.Name("PNPE-Signature")!])
        switch outcome {
        case .refused(let verdict):
            throw Problem.badRequest(field: "PNPE-Signature", detail: verdict.explanation)
        case .notRegistered:
            throw Problem(
                status: .serviceUnavailable, slug: "webhook-not-registered", title: "No webhook endpoint registered yet",
                detail: "this e-service registers its PNPE webhook endpoint at the first payment and has no secret to verify with yet; the PNPE will deliver again")
        case .accepted: return try JSONResponse.make(["received": "accepted"])
        case .duplicate: return try JSONResponse.make(["received": "duplicate"])
        case .ignored: return try JSONResponse.make(["received": "ignored"])
        }
    }
}
