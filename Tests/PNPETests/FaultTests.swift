import Foundation
import HTTPTypes
import NIOHTTP1
import Testing
@testable import PNPE

@Suite struct FaultTests {
    @Test func httpErrorsAreCountedAndExpire() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let rule = try await pnpe.call(
            .POST, "/v1/test_helpers/faults",
            json: #"{"description":"Next 2 MTN collects over 100 000 FCFA fail","match":{"operation":"payments.collect","method":"mtn_momo","amount":{"gte":100000}},"action":{"type":"http_error","status":503,"code":"provider_unavailable","retry_after":5},"times":2,"priority":10}"#)
        #expect(rule.status == 201)
        let ruleID = try #require(rule.string("id"))
        let small = try await pnpe.createPayment(amount: 5000)
        #expect(try await pnpe.collect(small, msisdn: "+2290166778899").status == 202)
        let big = try await pnpe.createPayment(amount: 150_000)
        let first = try await pnpe.collect(big, msisdn: "+2290166778899")
        #expect(first.status == 503)
        #expect(first.errorCode == "provider_unavailable")
        #expect(first.header("Retry-After") == "5")
        #expect(first.string("error.type") == "api_error")
        #expect(try await pnpe.collect(big, msisdn: "+2290166778899").status == 503)
        #expect(try await pnpe.collect(big, msisdn: "+2290166778899").status == 202)
        let listed = try await pnpe.call(.GET, "/v1/test_helpers/faults")
        guard case .array(let rules)? = listed["data"], let stored = rules.first else { throw TestFailure("no rules") }
        #expect(stored["hits"] == .integer(2))
        #expect(stored["remaining"] == .integer(0))
        #expect(try await pnpe.call(.DELETE, "/v1/test_helpers/faults/\(ruleID)").string("deleted") == "1")
        #expect(try await pnpe.call(.DELETE, "/v1/test_helpers/faults/\(ruleID)").status == 404)
    }

    @Test func rateLimitLatencyAndForcedOutcome() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"match":{"operation":"payments.get"},"action":{"type":"rate_limit","retry_after":7},"times":1}"#)
        let id = try await pnpe.createPayment()
        let limited = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") == "7")
        #expect(limited.string("error.type") == "rate_limit_error")
        #expect(try await pnpe.call(.GET, "/v1/payments/\(id)").status == 200)

        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"match":{"operation":"payments.list"},"action":{"type":"latency","ms":300},"times":1}"#)
        let started = Date()
        #expect(try await pnpe.call(.GET, "/v1/payments").status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.3)

        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"action":{"type":"outcome","outcome":"failed","failure_code":"limit_exceeded"},"times":1}"#)
        let collected = try await pnpe.collect(id, msisdn: "+2290100000000")
        #expect(collected.string("test.resolved_from") == "fault_rule")
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":1}"#)
        let payment = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(payment.string("status") == "failed")
        #expect(payment.string("failure_code") == "limit_exceeded")

        // An injected error that ran is kept for its idempotency key, as Stripe does.
        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"match":{"operation":"payments.create"},"action":{"type":"http_error","status":500},"times":1}"#)
        let injected = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":1000}"#, headers: [("Idempotency-Key", "k-500")])
        let replayed = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":1000}"#, headers: [("Idempotency-Key", "k-500")])
        #expect(injected.status == 500)
        #expect(replayed.status == 500)
        #expect(replayed.header("Idempotent-Replayed") == "true")
    }

    @Test func badRulesAreRefused() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let cases: [(String, String)] = [
            (#"{"match":{"operation":"payments.fly"},"action":{"type":"http_error"}}"#, "match.operation"),
            (#"{"action":{"type":"explode"}}"#, "action.type"),
            (#"{"action":{"type":"http_error","status":200}}"#, "action.status"),
            (#"{"action":{"type":"latency"}}"#, "action.ms"),
            (#"{"action":{"type":"webhook","webhook":"shout"}}"#, "action.webhook"),
            (#"{"action":{"type":"outcome","outcome":"maybe"}}"#, "action.outcome"),
            (#"{"action":{"type":"http_error"},"times":0}"#, "times"),
            (#"{"match":{}}"#, "action"),
        ]
        for (body, param) in cases {
            let reply = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: body)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.errorParam == param, "\(body): \(reply.text)")
        }
    }

    @Test func webhookFaults() async throws {
        let pnpe = try await PNPEFixture()
        let receiver = try await WebhookReceiver()
        defer { Task { await pnpe.stop(); await receiver.stop() } }
        _ = try await pnpe.register(receiver, events: ["payment.canceled"])
        func cancelOne() async throws {
            let id = try await pnpe.createPayment()
            _ = try await pnpe.call(.POST, "/v1/payments/\(id)/cancel")
        }
        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"action":{"type":"webhook","webhook":"drop"},"times":1}"#)
        try await cancelOne()
        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"action":{"type":"webhook","webhook":"duplicate"},"times":1}"#)
        try await cancelOne()
        try await receiver.waitFor("payment.canceled", count: 2)
        #expect(Set(receiver.deliveries.map(\.eventID)).count == 1)
        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"match":{"event_type":"payment.canceled"},"action":{"type":"webhook","webhook":"delay","seconds":30},"times":1}"#)
        try await cancelOne()
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":29}"#)
        #expect(receiver.deliveries.count == 2)
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":1}"#)
        try await receiver.waitFor("payment.canceled", count: 3)
        _ = try await pnpe.call(.POST, "/v1/test_helpers/faults", json: #"{"action":{"type":"webhook","webhook":"bad_signature"},"times":1}"#)
        try await cancelOne()
        try await receiver.waitFor("payment.canceled", count: 4)
        #expect(receiver.deliveries.last?.verified == false)
        try await pnpe.waitForPendingRetry()
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":10}"#)
        try await receiver.waitFor("payment.canceled", count: 5)
        #expect(receiver.deliveries.last?.verified == true)
        let cleared = try await pnpe.call(.DELETE, "/v1/test_helpers/faults")
        #expect(cleared.string("deleted") == "4")
    }
}
