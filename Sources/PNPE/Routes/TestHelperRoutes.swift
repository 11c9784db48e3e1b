import Foundation
import HTTPTypes
import Hummingbird
import SandboxCore

/// `/v1/test_helpers` (Stripe's convention, reference §4.7): the scenario catalogue, the merchant's
/// clock, forced outcomes and reset. Sandbox only, and only ever with `sk_test_` keys.
struct TestHelperRoutes {
    let platform: PaymentPlatform
    let gateway: APIGateway

    func add(to api: RouterGroup<SandboxRequestContext>) {
        api.get("test_helpers/scenarios") { _, _ in try APIResult.json(ListPage(data: TestScenario.catalogue.map(ScenarioView.init), hasMore: false, url: "/v1/test_helpers/scenarios")).response() }
        api.get("test_helpers/clock", use: gateway.route("test_helpers.clock", clock))
        api.post("test_helpers/clock/advance", use: gateway.route("test_helpers.clock", advance))
        api.post("test_helpers/clock/mode", use: gateway.route("test_helpers.clock", mode))
        api.post("test_helpers/payments/:id/succeed", use: gateway.route("test_helpers.force", { try await force($0, .succeeded) }))
        api.post("test_helpers/payments/:id/fail", use: gateway.route("test_helpers.force", { try await force($0, .failed) }))
        api.post("test_helpers/payments/:id/expire", use: gateway.route("test_helpers.force", { try await force($0, .expired) }))
        api.post("test_helpers/reset", use: gateway.route("test_helpers.reset", reset))
        api.get("test_helpers/payers/:msisdn/prompts", use: gateway.route("test_helpers.payers", prompts))
        api.post("test_helpers/payers/:msisdn/prompts/:payment", use: gateway.route("test_helpers.payers", answer))
        api.post("test_helpers/checkout/:token/simulate", use: gateway.route("test_helpers.checkout", simulate))
    }

    static func msisdn(_ call: APICall) throws -> MSISDN { try MSISDN(parsing: PageRoutes.msisdnParameter(call.context)) }

    /// JSON twin of `GET /payer/{msisdn}`: this merchant's payments waiting for that payer.
    @Sendable func prompts(_ call: APICall) async throws -> APIResult {
        let msisdn = try Self.msisdn(call)
        let prompts = try platform.pendingPrompts(msisdn: msisdn.value).filter { $0.merchantID == call.merchant.id }
        return try .json(ListPage(data: prompts, hasMore: false, url: "/v1/test_helpers/payers/\(msisdn.value)/prompts"))
    }

    /// JSON twin of the phone's PIN form: `{"action":"approve","pin":"1234"}` or `{"action":"decline"}`.
    @Sendable func answer(_ call: APICall) async throws -> APIResult {
        let msisdn = try Self.msisdn(call)
        let body = try call.reader(["action", "pin"])
        let action = try body.requiredString("action", maxLength: 20)
        guard action == "approve" || action == "decline" else { throw PNPEError.invalid("action", "must be approve or decline") }
        let payment = try platform.payment(id: try call.parameter("payment"), merchantID: call.merchant.id)
        return try .json(try platform.answerPrompt(payment: payment, msisdn: msisdn, approve: action == "approve", pin: try body.string("pin", maxLength: 10)))
    }

    /// JSON twin of the checkout's sandbox buttons.
    @Sendable func simulate(_ call: APICall) async throws -> APIResult {
        let text = try call.reader(["action"]).requiredString("action", maxLength: 40)
        guard let action = PaymentPlatform.CheckoutAction(rawValue: text) else {
            throw PNPEError.invalid("action", "must be one of \(PaymentPlatform.CheckoutAction.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let payment = try platform.payment(checkoutToken: try call.parameter("token")), payment.merchantID == call.merchant.id else {
            throw PNPEError.notFound("checkout", try call.parameter("token"), param: "token")
        }
        return try .json(try platform.simulateCheckout(payment: payment, action: action))
    }

    /// One catalogue entry as `GET /v1/test_helpers/scenarios` lists it.
    struct ScenarioView: Encodable {
        let scenario: TestScenario
        enum Keys: String, CodingKey {
            case name, msisdn, aliases, timing, webhook
            case finalStatus = "final_status"
            case failureCode = "failure_code"
            case collect
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(scenario.name, forKey: .name)
            try container.encode(scenario.msisdn, forKey: .msisdn)
            try container.encode(scenario.aliases, forKey: .aliases)
            try container.encode(scenario.finalStatus, forKey: .finalStatus)
            try container.encode(scenario.failureCode, forKey: .failureCode)
            try container.encode(scenario.timing, forKey: .timing)
            try container.encode(scenario.webhook.rawValue, forKey: .webhook)
            let collect = switch scenario.collect {
            case .accepted: "202 accepted"
            case .payerNotFound: "400 payer_not_found"
            case .providerDown: "503 provider_unavailable, Retry-After: 5"
            case .providerTimeout: "hangs, then 202"
            }
            try container.encode(collect, forKey: .collect)
        }
    }

    struct ClockView: Encodable {
        let mode: String
        let now: Date
        let object = "test_clock"
    }

    func clockView(_ merchant: Merchant) throws -> ClockView {
        ClockView(mode: try platform.clocks.state(merchant.id).mode.rawValue, now: try platform.clocks.now(merchant.id))
    }

    @Sendable func clock(_ call: APICall) async throws -> APIResult { try .json(try clockView(call.merchant)) }

    /// `{"seconds": 900}` or `{"to": "2025-01-07T00:00:00Z"}`: runs every job that comes due, in order.
    @Sendable func advance(_ call: APICall) async throws -> APIResult {
        let body = try call.reader(["seconds", "to"])
        let now = try platform.clocks.now(call.merchant.id)
        let target: Date
        switch (try body.integer("seconds", in: 0...(366 * 86_400)), try body.string("to", maxLength: 40)) {
        case (let seconds?, nil): target = now.addingTimeInterval(Double(seconds))
        case (nil, let text?):
            guard let date = ISO8601DateFormatter().date(from: text) else { throw PNPEError.invalid("to", "must be an RFC 3339 time, e.g. 2025-01-07T00:00:00Z") }
            guard date >= now, date.timeIntervalSince(now) <= 366 * 86_400 else { throw PNPEError.invalid("to", "must be in the future, within a year (time only moves forward)") }
            target = date
        default: throw PNPEError.invalid("seconds", "give exactly one of seconds (an integer) or to (a time)")
        }
        try await platform.advance(merchant: call.merchant, to: target)
        return try .json(try clockView(call.merchant))
    }

    @Sendable func mode(_ call: APICall) async throws -> APIResult {
        let text = try call.reader(["mode"]).requiredString("mode", maxLength: 20)
        guard let mode = MerchantClocks.Mode(rawValue: text) else { throw PNPEError.invalid("mode", "must be real or virtual") }
        try platform.clocks.setMode(call.merchant.id, mode)
        platform.wakeUp.yield()
        return try .json(try clockView(call.merchant))
    }

    @Sendable func force(_ call: APICall, _ status: PaymentStatus) async throws -> APIResult {
        let body = try call.reader(status == .failed ? ["failure_code"] : [])
        var code: String?
        if status == .failed {
            code = try body.string("failure_code", maxLength: 60) ?? "payment_not_approved"
            guard FailureCode.all.contains(code!) else {
                throw PNPEError.invalid("failure_code", "must be one of \(FailureCode.all.sorted().joined(separator: ", "))")
            }
        }
        return try .json(try platform.force(merchant: call.merchant, paymentID: try call.parameter("id"), to: status, failureCode: code, source: "test_helper"))
    }

    @Sendable func reset(_ call: APICall) async throws -> APIResult {
        _ = try call.reader([])
        try platform.reset(merchant: call.merchant)
        return try .json(["object": "reset", "merchant_id": call.merchant.id, "status": "done"])
    }
}
