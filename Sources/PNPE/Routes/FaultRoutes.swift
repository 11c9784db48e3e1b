import Foundation
import HTTPTypes
import Hummingbird
import SandboxCore

/// `/v1/test_helpers/faults` (reference §4.8): rules with a match and an action, limited by a count.
struct FaultRoutes {
    let platform: PaymentPlatform
    let gateway: APIGateway

    static let operations: Set<String> = [
        "payments.create", "payments.list", "payments.get", "payments.collect", "payments.cancel", "payments.receipt", "payments.events",
        "refunds.create", "refunds.list", "refunds.get", "events.list", "events.get", "webhook.deliver",
    ]

    func add(to api: RouterGroup<SandboxRequestContext>) {
        api.post("test_helpers/faults", use: gateway.route("test_helpers.faults", create))
        api.get("test_helpers/faults", use: gateway.route("test_helpers.faults", list))
        api.delete("test_helpers/faults", use: gateway.route("test_helpers.faults", { try await delete($0, id: nil) }))
        api.delete("test_helpers/faults/:id", use: gateway.route("test_helpers.faults", { try await delete($0, id: try $0.parameter("id")) }))
    }

    @Sendable func create(_ call: APICall) async throws -> APIResult {
        let body = try call.reader(["description", "match", "action", "times", "priority"])
        var match = FaultRule.Match()
        if let reader = try body.object("match", allowed: ["operation", "method", "msisdn", "amount", "event_type"]) {
            match.operation = try reader.string("operation", maxLength: 60)
            if let operation = match.operation, !Self.operations.contains(operation) {
                throw PNPEError.invalid("match.operation", "must be one of \(Self.operations.sorted().joined(separator: ", "))")
            }
            match.method = try reader.string("method", maxLength: 40).map { try PaymentMethod.parse($0, param: "match.method").rawValue }
            match.msisdn = try reader.string("msisdn", maxLength: 40).map { try MSISDN(parsing: $0, param: "match.msisdn").value }
            if let amount = try reader.object("amount", allowed: ["eq", "gte", "lte"]) {
                let eq = try amount.integer("eq", in: 0...Int64.max)
                match.amountGte = try amount.integer("gte", in: 0...Int64.max) ?? eq
                match.amountLte = try amount.integer("lte", in: 0...Int64.max) ?? eq
            }
            match.eventType = try reader.string("event_type", maxLength: 60)
            if let type = match.eventType { _ = try PaymentPlatform.validateFilters([type]) }
        }
        guard let actionReader = try body.object("action", allowed: ["type", "status", "code", "retry_after", "ms", "seconds", "outcome", "failure_code", "webhook"]) else {
            throw PNPEError.missing("action")
        }
        let typeName = try actionReader.requiredString("type", maxLength: 40)
        guard let type = FaultRule.ActionType(rawValue: typeName) else {
            throw PNPEError.invalid("action.type", "must be one of \(FaultRule.ActionType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var action = FaultRule.Action(type: type)
        switch type {
        case .httpError:
            action.status = Int(try actionReader.integer("status", in: 400...599) ?? 500)
            action.code = try actionReader.string("code", maxLength: 60) ?? "injected_error"
            action.retryAfter = try actionReader.integer("retry_after", in: 0...3600).map(Int.init)
        case .latency:
            guard let ms = try actionReader.integer("ms", in: 1...30_000) else { throw PNPEError.missing("action.ms") }
            action.milliseconds = Int(ms)
        case .timeout:
            action.seconds = Int(try actionReader.integer("seconds", in: 1...120) ?? 30)
        case .rateLimit:
            action.retryAfter = Int(try actionReader.integer("retry_after", in: 1...3600) ?? 1)
        case .outcome:
            let outcome = try actionReader.requiredString("outcome", maxLength: 20)
            guard ["succeeded", "failed", "expired"].contains(outcome) else { throw PNPEError.invalid("action.outcome", "must be succeeded, failed or expired") }
            action.outcome = outcome
            action.failureCode = try actionReader.string("failure_code", maxLength: 60)
            if let code = action.failureCode, !FailureCode.all.contains(code) {
                throw PNPEError.invalid("action.failure_code", "must be one of \(FailureCode.all.sorted().joined(separator: ", "))")
            }
            if match.operation == nil { match.operation = "payments.collect" }
        case .webhook:
            let mode = try actionReader.requiredString("webhook", maxLength: 20)
            guard ["drop", "duplicate", "delay", "bad_signature"].contains(mode) else {
                throw PNPEError.invalid("action.webhook", "must be drop, duplicate, delay or bad_signature")
            }
            action.webhook = mode
            action.seconds = try actionReader.integer("seconds", in: 1...86_400).map(Int.init) ?? (mode == "delay" ? 60 : nil)
            match.operation = "webhook.deliver"
        }
        let times = try body.integer("times", in: 1...10_000).map(Int.init)
        let rule = FaultRule(
            id: Identifier.random(prefix: "flt", bytes: 8), description: try body.string("description", maxLength: 300), match: match, action: action,
            remaining: times, times: times, priority: Int(try body.integer("priority", in: -1000...1000) ?? 0), hits: 0, createdAt: try platform.now(call.merchant))
        try platform.addFault(rule, merchantID: call.merchant.id)
        return try .json(rule, status: .created)
    }

    @Sendable func list(_ call: APICall) async throws -> APIResult {
        try .json(ListPage(data: try platform.faults(merchantID: call.merchant.id), hasMore: false, url: "/v1/test_helpers/faults"))
    }

    @Sendable func delete(_ call: APICall, id: String?) async throws -> APIResult {
        let removed = try platform.deleteFaults(merchantID: call.merchant.id, id: id)
        if let id, removed == 0 { throw PNPEError.notFound("fault rule", id) }
        return try .json(["object": "fault_rule_deletion", "deleted": String(removed)])
    }
}
