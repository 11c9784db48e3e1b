import Foundation
import NIOHTTP1
import Testing
@testable import PNPE

/// Inputs at the edges: huge times and timestamps, a collect that fails after its payment was created,
/// malformed days, and a provider reversal racing a refund. Each gets a clear answer and leaves the
/// stored state consistent; none may crash the process.
@Suite struct HostileInputTests {
    @Test func timesBeyondYear9999AreRefusedNotTrapped() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        for (param, value) in [("created_gte", "10000000000000000"), ("created_lte", "-10000000000000000"), ("created_gte", "9223372036854775807")] {
            let reply = try await pnpe.call(.GET, "/v1/payments?\(param)=\(value)")
            #expect(reply.status == 400)
            #expect(reply.errorParam == param)
        }
        #expect(try await pnpe.call(.GET, "/v1/payments?created_gte=1736157607").status == 200)
        let day = try await pnpe.call(.GET, "/v1/reports/reconciliation?from=x-2025-1-1")
        #expect(day.status == 400 && day.errorParam == "from")
        #expect(try await pnpe.call(.GET, "/v1/reports/reconciliation?from=+2025-01-06").errorParam == "from")
    }

    @Test func extremeSignatureTimestampsAreDiagnosedNotTrapped() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        for t in [Int64.min, Int64.max, -1] {
            let json = "{\"payload\":\"{}\",\"header\":\"t=\(t),v1=00\",\"secret\":\"whsec_x\"}"
            let reply = try await pnpe.call(.POST, "/v1/test_helpers/webhook_signature/verify", json: json)
            #expect(reply.status == 200)
            #expect(reply.string("diagnosis") == "wrong_secret")
            #expect(!WebhookSignature.verify(header: "t=\(t),v1=00", body: [], secret: "whsec_x", now: Date()))
        }
        #expect(WebhookSignature.age(of: .min, now: Date()) == .max)
        #expect(WebhookSignature.age(of: .max, now: Date()) < -(1 << 62))
    }

    /// A collect refused inside `POST /v1/payments` comes after the payment was stored: the error names the
    /// payment, and its Idempotency-Key keeps that outcome instead of creating a payment per retry.
    @Test func aCreateWhoseCollectFailsKeepsItsKey() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let wrongMethod = try await pnpe.call(
            .POST, "/v1/payments", json: #"{"amount":1000,"methods":["moov_money"],"collect":{"method":"mtn_momo","msisdn":"+2290100000001"}}"#)
        #expect(wrongMethod.status == 400 && wrongMethod.errorParam == "collect.method")
        #expect(try await pnpe.call(.GET, "/v1/payments").json["data"]?.array?.isEmpty == true)

        let body = #"{"amount":1000,"collect":{"method":"mtn_momo","msisdn":"+2290100000012"}}"#
        let first = try await pnpe.call(.POST, "/v1/payments", json: body, headers: [("Idempotency-Key", "pnf-1")])
        #expect(first.status == 400 && first.errorCode == "payer_not_found")
        let paymentID = try #require(first.string("error.payment_id"))
        let retry = try await pnpe.call(.POST, "/v1/payments", json: body, headers: [("Idempotency-Key", "pnf-1")])
        #expect(retry.status == 400 && retry.header("Idempotent-Replayed") == "true")
        #expect(retry.string("error.payment_id") == paymentID)
        let payments = try await pnpe.call(.GET, "/v1/payments").json["data"]?.array ?? []
        #expect(payments.count == 1)
        #expect(try await pnpe.status(paymentID) == "failed")
    }

    /// The operator reverses a payment while a refund is still pending: between them they return the
    /// amount once, and the refund does not stay pending for ever.
    @Test func aReversalAndAPendingRefundReturnTheAmountOnce() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment(amount: 10_000)
        _ = try await pnpe.collect(id, msisdn: "+2290100000050")
        try await pnpe.advance(4)
        try await pnpe.waitForStatus(id, "succeeded")
        // Back to back, before the worker can complete the refund: the window the reversal must respect.
        let merchant = try #require(try pnpe.platform.merchant(id: DemoMerchant.id))
        let refund = try pnpe.platform.createRefund(merchant: merchant, paymentID: id, amount: 4000, reason: nil)
        try pnpe.platform.reversePayment(merchant: merchant, paymentID: id)
        #expect(refund.status == "pending")
        try await pnpe.advance(61)
        try await pnpe.waitForStatus(id, "refunded")
        try await PNPEFixture.waitUntil {
            let refunds = try await pnpe.call(.GET, "/v1/payments/\(id)/refunds").json["data"]?.array ?? []
            return refunds.allSatisfy { $0["status"]?.string != "pending" }
        }
        let refunds = try await pnpe.call(.GET, "/v1/payments/\(id)/refunds").json["data"]?.array ?? []
        let returned = refunds.filter { $0["status"]?.string == "succeeded" }.compactMap { $0["amount"]?.integer }.reduce(0, +)
        #expect(returned == 10_000)
        #expect(try await pnpe.call(.GET, "/v1/payments/\(id)").int("amount_refunded") == 10_000)
    }
}

private extension JSONValue {
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    var string: String? { if case .string(let text) = self { text } else { nil } }
    var integer: Int64? { if case .integer(let number) = self { number } else { nil } }
}
