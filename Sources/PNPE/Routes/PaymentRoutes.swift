import Foundation
import HTTPTypes
import Hummingbird
import SandboxCore

/// `/v1/payments` and `/v1/refunds` (reference §4.1–4.2).
struct PaymentRoutes {
    let platform: PaymentPlatform
    let gateway: APIGateway

    func add(to api: RouterGroup<SandboxRequestContext>) {
        api.post("payments", use: gateway.route("payments.create", create))
        api.get("payments", use: gateway.route("payments.list", list))
        api.get("payments/:id", use: gateway.route("payments.get", retrieve))
        api.post("payments/:id/collect", use: gateway.route("payments.collect", collect))
        api.post("payments/:id/cancel", use: gateway.route("payments.cancel", cancel))
        api.get("payments/:id/receipt", use: gateway.route("payments.receipt", receipt))
        api.get("payments/:id/events", use: gateway.route("payments.events", timeline))
        api.post("payments/:id/refunds", use: gateway.route("refunds.create", createRefund))
        api.get("payments/:id/refunds", use: gateway.route("refunds.list", paymentRefunds))
        api.get("refunds", use: gateway.route("refunds.list", listRefunds))
        api.get("refunds/:id", use: gateway.route("refunds.get", retrieveRefund))
    }

    static func scenarioOverride(_ call: APICall) throws -> TestScenario? {
        try call.request.headers[.testScenario].map(TestScenario.parseHeader)
    }

    /// The `outcome` fault rule for a collect, if one matches.
    static func forcedOutcome(_ call: APICall, payment: Payment?, input: CollectInput) throws -> FaultRule.Action? {
        guard try call.platform.hasFaults(merchantID: call.merchant.id) else { return nil }
        let facts = FaultFacts(operation: "payments.collect", method: input.method.rawValue, msisdn: input.msisdn.value, amount: payment?.amount)
        return try call.platform.consumeFault(call.platform.database, merchantID: call.merchant.id, facts: facts, types: [.outcome])?.action
    }

    @Sendable func create(_ call: APICall) async throws -> APIResult {
        let input = try CreatePaymentInput(try call.reader(CreatePaymentInput.fields), configuration: platform.configuration)
        let override = try Self.scenarioOverride(call)
        var payment = try platform.createPayment(merchant: call.merchant, input: input)
        guard let collect = input.collect else { return try .json(payment, status: .created) }
        do {
            let forced = try Self.forcedOutcome(call, payment: payment, input: collect)
            payment = try await platform.collect(merchant: call.merchant, paymentID: payment.id, input: collect, override: override, forced: forced)
        } catch var error as PNPEError {
            // The payment exists: say which, and keep this outcome for the Idempotency-Key.
            error.afterSideEffects = true
            error.extra["payment_id"] = payment.id
            throw error
        }
        return try .json(payment, status: .accepted)
    }

    @Sendable func list(_ call: APICall) async throws -> APIResult {
        let (limit, cursor) = try call.page()
        var filter = PaymentPlatform.PaymentFilter()
        if let status = call.query("status") {
            guard let value = PaymentStatus(rawValue: status) else {
                throw PNPEError.invalid("status", "must be one of \(PaymentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = value
        }
        filter.merchantReference = call.query("merchant_reference")
        filter.createdGte = try call.query("created_gte").map { try Self.time($0, param: "created_gte") }
        filter.createdLte = try call.query("created_lte").map { try Self.time($0, param: "created_lte") }
        let page = try platform.payments(merchantID: call.merchant.id, filter: filter, limit: limit, startingAfter: cursor)
        return try .json(ListPage(data: page.payments, hasMore: page.hasMore, url: "/v1/payments"))
    }

    /// An RFC 3339 time or Unix seconds.
    static func time(_ text: String, param: String) throws -> Date {
        if let seconds = Int64(text) {
            // Years 1 to 9999, like RFC 3339: past them a time cannot even be stored in milliseconds.
            guard (-62_135_596_800...253_402_300_799).contains(seconds) else {
                throw PNPEError.invalid(param, "\(text) is not a Unix time between the years 1 and 9999")
            }
            return Date(timeIntervalSince1970: Double(seconds))
        }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        throw PNPEError.invalid(param, "must be an RFC 3339 time (2025-01-06T10:00:00Z) or Unix seconds")
    }

    @Sendable func retrieve(_ call: APICall) async throws -> APIResult {
        try .json(try platform.payment(id: try call.parameter("id"), merchantID: call.merchant.id))
    }

    @Sendable func collect(_ call: APICall) async throws -> APIResult {
        let id = try call.parameter("id")
        let input = try CollectInput(try call.reader(CollectInput.fields))
        let override = try Self.scenarioOverride(call)
        let existing = try platform.payment(id: id, merchantID: call.merchant.id)
        let forced = try Self.forcedOutcome(call, payment: existing, input: input)
        return try .json(try await platform.collect(merchant: call.merchant, paymentID: id, input: input, override: override, forced: forced), status: .accepted)
    }

    @Sendable func cancel(_ call: APICall) async throws -> APIResult {
        _ = try call.reader([])
        return try .json(try platform.cancel(merchant: call.merchant, paymentID: try call.parameter("id")))
    }

    @Sendable func receipt(_ call: APICall) async throws -> APIResult {
        let payment = try platform.payment(id: try call.parameter("id"), merchantID: call.merchant.id)
        let receipt = try Receipt(payment: payment, merchant: call.merchant)
        let wantsHTML = call.query("format") == "html" || (call.request.headers[.accept] ?? "").contains("text/html")
        guard wantsHTML else { return try .json(receipt) }
        let html = ReceiptPage.render(receipt, language: call.request.language)
        return APIResult(status: .ok, body: Array(html.utf8), contentType: "text/html; charset=utf-8")
    }

    @Sendable func timeline(_ call: APICall) async throws -> APIResult {
        let payment = try platform.payment(id: try call.parameter("id"), merchantID: call.merchant.id)
        let refunds = try platform.refunds(paymentID: payment.id, merchantID: call.merchant.id)
        let events = try platform.events(objectIDs: [payment.id] + refunds.map(\.id), merchantID: call.merchant.id)
        return try .json(ListPage(data: events.map { RawJSON(text: $0.body) }, hasMore: false, url: "/v1/payments/\(payment.id)/events"))
    }

    @Sendable func createRefund(_ call: APICall) async throws -> APIResult {
        let body = try call.reader(["amount", "reason"])
        let amount = try body.integer("amount", in: 1...Int64.max)
        let reason = try body.string("reason", maxLength: 200)
        return try .json(try platform.createRefund(merchant: call.merchant, paymentID: try call.parameter("id"), amount: amount, reason: reason), status: .created)
    }

    @Sendable func paymentRefunds(_ call: APICall) async throws -> APIResult {
        let payment = try platform.payment(id: try call.parameter("id"), merchantID: call.merchant.id)
        return try .json(ListPage(data: try platform.refunds(paymentID: payment.id, merchantID: call.merchant.id), hasMore: false, url: "/v1/payments/\(payment.id)/refunds"))
    }

    @Sendable func listRefunds(_ call: APICall) async throws -> APIResult {
        let (limit, cursor) = try call.page()
        let page = try platform.refunds(merchantID: call.merchant.id, limit: limit, startingAfter: cursor)
        return try .json(ListPage(data: page.refunds, hasMore: page.hasMore, url: "/v1/refunds"))
    }

    @Sendable func retrieveRefund(_ call: APICall) async throws -> APIResult {
        try .json(try platform.refund(platform.database, id: try call.parameter("id"), merchantID: call.merchant.id))
    }
}
