import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// Webhook endpoints, events, the delivery log and the live stream (reference §4.4).
struct WebhookRoutes {
    let platform: PaymentPlatform
    let gateway: APIGateway

    func add(to api: RouterGroup<SandboxRequestContext>) {
        api.post("webhook_endpoints", use: gateway.route("webhook_endpoints.create", create))
        api.get("webhook_endpoints", use: gateway.route("webhook_endpoints.list", list))
        api.get("webhook_endpoints/:id", use: gateway.route("webhook_endpoints.get", retrieve))
        api.patch("webhook_endpoints/:id", use: gateway.route("webhook_endpoints.update", update))
        api.post("webhook_endpoints/:id", use: gateway.route("webhook_endpoints.update", update))
        api.delete("webhook_endpoints/:id", use: gateway.route("webhook_endpoints.delete", delete))
        api.post("webhook_endpoints/:id/rotate_secret", use: gateway.route("webhook_endpoints.rotate_secret", rotate))
        api.post("webhook_endpoints/:id/test", use: gateway.route("webhook_endpoints.test", test))
        api.get("webhook_endpoints/:id/deliveries", use: gateway.route("deliveries.list", endpointDeliveries))
        api.get("deliveries/:id", use: gateway.route("deliveries.get", delivery))
        api.get("events", use: gateway.route("events.list", events))
        api.get("events/stream", use: stream)
        api.get("events/:id", use: gateway.route("events.get", event))
        api.post("events/:id/redeliver", use: gateway.route("events.redeliver", redeliver))
        api.post("test_helpers/webhook_signature/verify", use: gateway.route("test_helpers.webhook_signature", verify))
    }

    static let fields: Set<String> = ["url", "events", "description", "retry_policy", "disabled"]

    static func policy(_ body: BodyReader) throws -> RetryPolicy? {
        try body.string("retry_policy", maxLength: 40).map {
            guard let policy = RetryPolicy(rawValue: $0) else {
                throw PNPEError.invalid("retry_policy", "must be one of \(RetryPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return policy
        }
    }

    @Sendable func create(_ call: APICall) async throws -> APIResult {
        let body = try call.reader(Self.fields.subtracting(["disabled"]))
        let url = try WebURL.validate(try body.requiredString("url", maxLength: 2048), param: "url")
        let events = try PaymentPlatform.validateFilters(try body.strings("events", maxCount: 20, maxLength: 60) ?? ["*"])
        let endpoint = try platform.createEndpoint(
            merchant: call.merchant, url: url, events: events, description: try body.string("description", maxLength: 500), policy: try Self.policy(body) ?? .pnpe)
        var view = endpoint.publicView
        view.secret = endpoint.secret
        return try .json(view, status: .created)
    }

    @Sendable func list(_ call: APICall) async throws -> APIResult {
        try .json(ListPage(data: try platform.webhookEndpoints(platform.database, merchantID: call.merchant.id).map(\.publicView), hasMore: false, url: "/v1/webhook_endpoints"))
    }

    @Sendable func retrieve(_ call: APICall) async throws -> APIResult {
        try .json(try platform.webhookEndpoint(platform.database, id: try call.parameter("id"), merchantID: call.merchant.id).publicView)
    }

    @Sendable func update(_ call: APICall) async throws -> APIResult {
        let body = try call.reader(Self.fields)
        let url = try body.string("url", maxLength: 2048).map { try WebURL.validate($0, param: "url") }
        let events = try body.strings("events", maxCount: 20, maxLength: 60).map(PaymentPlatform.validateFilters)
        let description = try body.string("description", maxLength: 500)
        let disabled = try body.bool("disabled")
        let policy = try Self.policy(body)
        let endpoint = try platform.updateEndpoint(merchant: call.merchant, id: try call.parameter("id")) { endpoint in
            if let url { endpoint.url = url }
            if let events { endpoint.events = events }
            if let description { endpoint.description = description }
            if let policy { endpoint.retryPolicy = policy }
            if let disabled {
                endpoint.disabled = disabled
                endpoint.disabledReason = disabled ? "disabled by the merchant" : nil
            }
        }
        return try .json(endpoint.publicView)
    }

    @Sendable func delete(_ call: APICall) async throws -> APIResult {
        let id = try call.parameter("id")
        try platform.deleteEndpoint(merchant: call.merchant, id: id)
        return try .json(["id": id, "object": "webhook_endpoint", "deleted": "true"])
    }

    @Sendable func rotate(_ call: APICall) async throws -> APIResult {
        let overlap = try call.reader(["expire_old_in"]).integer("expire_old_in", in: 0...(7 * 86_400)) ?? 86_400
        let endpoint = try platform.rotateSecret(merchant: call.merchant, id: try call.parameter("id"), overlapSeconds: overlap)
        var view = endpoint.publicView
        view.secret = endpoint.secret
        return try .json(view)
    }

    @Sendable func test(_ call: APICall) async throws -> APIResult {
        let type = try call.reader(["type"]).string("type", maxLength: 60) ?? "payment.succeeded"
        guard EventType.all.contains(type) else { throw PNPEError.invalid("type", "must be one of \(EventType.all.joined(separator: ", "))") }
        let (event, delivery) = try platform.sendTestEvent(merchant: call.merchant, endpointID: try call.parameter("id"), type: type)
        struct Answer: Encodable {
            let event: RawJSON
            let delivery: Delivery
        }
        return try .json(Answer(event: RawJSON(text: event.body), delivery: delivery), status: .created)
    }

    static func deliveryStatus(_ call: APICall) throws -> String? {
        guard let status = call.query("status") ?? call.query("outcome") else { return nil }
        guard ["pending", "succeeded", "failed", "canceled"].contains(status) else {
            throw PNPEError.invalid("status", "must be pending, succeeded, failed or canceled")
        }
        return status
    }

    @Sendable func endpointDeliveries(_ call: APICall) async throws -> APIResult {
        let endpoint = try platform.webhookEndpoint(platform.database, id: try call.parameter("id"), merchantID: call.merchant.id)
        let (limit, cursor) = try call.page()
        let (deliveries, hasMore) = try platform.deliveries(
            merchantID: call.merchant.id, endpointID: endpoint.id, eventID: call.query("event_id"), status: try Self.deliveryStatus(call), limit: limit,
            startingAfter: cursor)
        return try .json(ListPage(data: deliveries, hasMore: hasMore, url: "/v1/webhook_endpoints/\(endpoint.id)/deliveries"))
    }

    @Sendable func delivery(_ call: APICall) async throws -> APIResult {
        try .json(try platform.delivery(merchantID: call.merchant.id, id: try call.parameter("id")))
    }

    @Sendable func events(_ call: APICall) async throws -> APIResult {
        let (limit, cursor) = try call.page()
        let type = call.query("type")
        if let type, !EventType.all.contains(type) { throw PNPEError.invalid("type", "must be one of \(EventType.all.joined(separator: ", "))") }
        let page = try platform.events(merchantID: call.merchant.id, type: type, limit: limit, startingAfter: cursor)
        return try .json(ListPage(data: page.events.map { RawJSON(text: $0.body) }, hasMore: page.hasMore, url: "/v1/events"))
    }

    /// The event exactly as it was signed and sent.
    @Sendable func event(_ call: APICall) async throws -> APIResult {
        let id = try call.parameter("id")
        guard let event = try platform.event(merchantID: call.merchant.id, id: id) else { throw PNPEError.notFound("event", id) }
        return .raw(event.body)
    }

    @Sendable func redeliver(_ call: APICall) async throws -> APIResult {
        let endpointID = try call.reader(["endpoint_id"]).string("endpoint_id", maxLength: 100)
        let deliveries = try platform.redeliver(merchant: call.merchant, eventID: try call.parameter("id"), endpointID: endpointID)
        return try .json(ListPage(data: deliveries, hasMore: false, url: "/v1/deliveries"), status: .created)
    }

    @Sendable func verify(_ call: APICall) async throws -> APIResult {
        let body = try call.reader(["payload", "header", "secret", "endpoint_id", "tolerance"])
        let payload = try body.requiredString("payload", maxLength: 60_000)
        let header = try body.requiredString("header", maxLength: 4_000)
        let tolerance = try body.integer("tolerance", in: 0...(366 * 86_400)) ?? WebhookSignature.toleranceSeconds
        let report = try platform.debugSignature(
            merchant: call.merchant, payload: payload, header: header, secret: try body.string("secret", maxLength: 200),
            endpointID: try body.string("endpoint_id", maxLength: 100), tolerance: tolerance)
        return try .json(report)
    }

    /// `GET /v1/events/stream`: server-sent events of the merchant, live. The first message
    /// (`pnpe.listen`) gives the secret `sandbox pnpe listen` signs forwarded events with.
    @Sendable func stream(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let merchant = try gateway.authenticate(request)
        let events = platform.broadcaster.subscribe(merchantID: merchant.id)
        let hello = "event: pnpe.listen\ndata: {\"merchant_id\":\(JSONString.quote(merchant.id)),\"signing_secret\":\(JSONString.quote(merchant.listenSecret))}\n\n"
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: hello))
            let (lines, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1000))
            let forward = Task {
                for await event in events { continuation.yield(EventBroadcaster.message(event)) }
                continuation.finish()
            }
            let ping = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(15))
                    continuation.yield(": keep-alive\n\n")
                }
            }
            defer {
                forward.cancel()
                ping.cancel()
            }
            for await line in lines { try await writer.write(ByteBuffer(string: line)) }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .requestID: context.requestID], body: body)
    }
}
