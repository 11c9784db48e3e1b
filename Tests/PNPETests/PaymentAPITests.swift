import Foundation
import HTTPTypes
import NIOHTTP1
import Testing
@testable import PNPE

@Suite struct PaymentAPITests {
    @Test func createRetrieveAndList() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let created = try await pnpe.call(
            .POST, "/v1/payments",
            json: #"{"amount":25000,"currency":"XOF","description":"Frais d'étude","merchant_reference":"ISP-1","customer":{"name":"Afi","msisdn":"+229 01 00 00 0001"},"metadata":{"dossier_id":"42"},"return_url":"http://localhost:3000/retour"}"#)
        #expect(created.status == 201)
        #expect(created.header("Request-Id")?.hasPrefix("req_") == true)
        let id = try #require(created.string("id"))
        #expect(id.hasPrefix("pay_"))
        #expect(created.string("status") == "pending")
        #expect(created.int("amount") == 25000)
        #expect(created.string("customer.msisdn") == "+2290100000001")
        #expect(created.string("checkout_url")?.hasPrefix(pnpe.baseURL + "/checkout/ck_") == true)
        #expect(created["fee"] == .null)
        #expect(created.string("settlement.status") == "unsettled")

        let fetched = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(fetched.status == 200)
        #expect(fetched.string("merchant_reference") == "ISP-1")

        for index in 2...5 { _ = try await pnpe.createPayment(amount: 1000 * index) }
        let first = try await pnpe.call(.GET, "/v1/payments?limit=2")
        #expect(first.string("object") == "list")
        #expect(first["has_more"] == .bool(true))
        guard case .array(let page1)? = first["data"], case .string(let cursor)? = page1.last?["id"] else { throw TestFailure("no page") }
        #expect(page1.count == 2)
        let second = try await pnpe.call(.GET, "/v1/payments?limit=10&starting_after=\(cursor)")
        guard case .array(let page2)? = second["data"] else { throw TestFailure("no page 2") }
        #expect(page2.count == 3)
        #expect(second["has_more"] == .bool(false))
        #expect(page2.last?["id"] == .string(id))
        let filtered = try await pnpe.call(.GET, "/v1/payments?merchant_reference=ISP-1")
        guard case .array(let matches)? = filtered["data"] else { throw TestFailure("no list") }
        #expect(matches.count == 1)
    }

    @Test func badInputNamesTheField() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let cases: [(String, Int, String, String?)] = [
            (#"{"amount":"25000"}"#, 400, "parameter_invalid", "amount"),
            (#"{"amount":25000.0}"#, 400, "parameter_invalid", "amount"),
            (#"{"amount":2.5e4}"#, 400, "parameter_invalid", "amount"),
            (#"{"amount":-5}"#, 400, "amount_too_small", "amount"),
            (#"{"amount":99999999999999999999999}"#, 400, "parameter_invalid", "amount"),
            (#"{"amount":900000000}"#, 400, "amount_too_large", "amount"),
            (#"{"amount":25000,"currency":"EUR"}"#, 400, "currency_not_supported", "currency"),
            (#"{"amount":25000,"ammount":1}"#, 400, "parameter_unknown", "ammount"),
            (#"{"amount":25000,"methods":["paypal"]}"#, 400, "method_not_allowed", "methods[0]"),
            (#"{"amount":25000,"return_url":"javascript:alert(1)"}"#, 400, "url_invalid", "return_url"),
            (#"{"amount":25000,"customer":{"msisdn":"12345"}}"#, 400, "invalid_msisdn", "customer.msisdn"),
            (#"{"amount":25000,"collect":{"method":"mtn_momo"}}"#, 400, "parameter_missing", "collect.msisdn"),
            (#"{"description":"x"}"#, 400, "parameter_missing", "amount"),
            (#"{"amount":25000"#, 400, "invalid_json", "body"),
            (#"[1,2]"#, 400, "invalid_json", "body"),
        ]
        for (body, status, code, param) in cases {
            let reply = try await pnpe.call(.POST, "/v1/payments", json: body)
            #expect(reply.status == status, "\(body): \(reply.text)")
            #expect(reply.errorCode == code, "\(body): \(reply.text)")
            #expect(reply.errorParam == param, "\(body): \(reply.text)")
            #expect(reply.string("error.type") == "invalid_request_error")
            #expect(reply.string("error.request_id") == reply.header("Request-Id"))
        }
        let huge = try await pnpe.call(.POST, "/v1/payments", json: "{\"amount\":1,\"description\":\"" + String(repeating: "x", count: 70_000) + "\"}")
        #expect(huge.status == 413)
        #expect(huge.errorCode == "body_too_large")

        let id = try await pnpe.createPayment()
        let badPhone = try await pnpe.collect(id, msisdn: "+33612345678")
        #expect(badPhone.status == 400)
        #expect(badPhone.errorCode == "invalid_msisdn")
        #expect(badPhone.errorParam == "msisdn")
        let badMethod = try await pnpe.collect(id, msisdn: "+2290100000001", method: "bitcoin")
        #expect(badMethod.errorCode == "method_not_allowed")
        let unknown = try await pnpe.call(.GET, "/v1/payments/pay_NOPE")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "resource_missing")
        let weird = try await pnpe.call(.GET, "/v1/payments/%3Cscript%3E")
        #expect(weird.status == 404)
        let route = try await pnpe.call(.GET, "/v1/nothing")
        #expect(route.status == 404)
        #expect(route.errorCode == "route_not_found")
        let badLimit = try await pnpe.call(.GET, "/v1/payments?limit=1000")
        #expect(badLimit.errorParam == "limit")
    }

    @Test func authentication() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let none = try await pnpe.call(.GET, "/v1/payments", key: nil)
        #expect(none.status == 401)
        #expect(none.string("error.type") == "authentication_error")
        let wrong = try await pnpe.call(.GET, "/v1/payments", key: "sk_test_nobody")
        #expect(wrong.errorCode == "api_key_invalid")
        let publicKey = try await pnpe.call(.GET, "/v1/payments", key: DemoMerchant.publicKey)
        #expect(publicKey.errorCode == "secret_key_required")

        let refused = try await pnpe.call(.POST, "/admin/merchants", key: "wrong-token-wrong-token", json: #"{"name":"Trainee 7"}"#)
        #expect(refused.status == 401)
        let created = try await pnpe.call(.POST, "/admin/merchants", key: PNPEFixture.adminToken, json: #"{"name":"Stagiaire 07","trainee":"t07"}"#)
        #expect(created.status == 201)
        let secret = try #require(created.string("sk_test"))
        #expect(secret.hasPrefix("sk_test_"))
        #expect(created.string("pk_test")?.hasPrefix("pk_test_") == true)
        // A new merchant (no clock stored yet) works at once; merchants are isolated from each other.
        let theirsFirst = try await pnpe.createPayment(key: secret)
        #expect(try await pnpe.call(.GET, "/v1/payments/\(theirsFirst)").status == 404)
        let mine = try await pnpe.createPayment()
        let theirs = try await pnpe.call(.GET, "/v1/payments/\(mine)", key: secret)
        #expect(theirs.status == 404)
        let list = try await pnpe.call(.GET, "/admin/merchants", key: PNPEFixture.adminToken)
        guard case .array(let merchants)? = list["data"] else { throw TestFailure("no merchants") }
        #expect(merchants.count == 2)
    }

    @Test func merchantReferenceIsUnique() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let first = try await pnpe.createPayment(reference: "ISP-LIC-42")
        let again = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":25000,"merchant_reference":"ISP-LIC-42"}"#)
        #expect(again.status == 409)
        #expect(again.errorCode == "duplicate_merchant_reference")
        #expect(again.string("error.existing_payment_id") == first)
    }

    @Test func idempotencyKeys() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let body = #"{"amount":5000}"#
        let first = try await pnpe.call(.POST, "/v1/payments", json: body, headers: [("Idempotency-Key", "key-1")])
        let replay = try await pnpe.call(.POST, "/v1/payments", json: body, headers: [("Idempotency-Key", "key-1")])
        #expect(first.status == 201)
        #expect(replay.status == 201)
        #expect(replay.header("Idempotent-Replayed") == "true")
        #expect(first.header("Idempotent-Replayed") == nil)
        #expect(replay.string("id") == first.string("id"))
        let mismatch = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":6000}"#, headers: [("Idempotency-Key", "key-1")])
        #expect(mismatch.status == 400)
        #expect(mismatch.errorCode == "idempotency_key_mismatch")
        #expect(mismatch.string("error.type") == "idempotency_error")
        // A validation failure does not keep the key: the corrected request may reuse it.
        let invalid = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":"x"}"#, headers: [("Idempotency-Key", "key-2")])
        #expect(invalid.status == 400)
        let corrected = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":7000}"#, headers: [("Idempotency-Key", "key-2")])
        #expect(corrected.status == 201)
        let tooLong = try await pnpe.call(.POST, "/v1/payments", json: body, headers: [("Idempotency-Key", String(repeating: "k", count: 256))])
        #expect(tooLong.errorParam == "Idempotency-Key")
        // A conflict that ran is kept and replayed too.
        _ = try await pnpe.createPayment(reference: "REF-9")
        let conflict = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":5000,"merchant_reference":"REF-9"}"#, headers: [("Idempotency-Key", "key-3")])
        let conflictAgain = try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":5000,"merchant_reference":"REF-9"}"#, headers: [("Idempotency-Key", "key-3")])
        #expect(conflict.status == 409)
        #expect(conflictAgain.status == 409)
        #expect(conflictAgain.header("Idempotent-Replayed") == "true")
    }

    @Test func concurrentCreatesWithOneKey() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let replies = try await withThrowingTaskGroup(of: PNPEFixture.Reply.self) { group in
            for _ in 0..<8 {
                group.addTask { try await pnpe.call(.POST, "/v1/payments", json: #"{"amount":5000}"#, headers: [("Idempotency-Key", "race")]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = replies.filter { $0.status == 201 }
        #expect(!created.isEmpty)
        #expect(Set(created.compactMap { $0.string("id") }).count == 1)
        for reply in replies where reply.status != 201 {
            #expect(reply.status == 409)
            #expect(reply.errorCode == "idempotency_request_in_progress")
        }
        let list = try await pnpe.call(.GET, "/v1/payments")
        guard case .array(let payments)? = list["data"] else { throw TestFailure("no list") }
        #expect(payments.count == 1)
    }

    @Test func collectSucceedCancelAndReceipt() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment(extra: #","description":"Frais d'étude de dossier""#)
        let collected = try await pnpe.collect(id, msisdn: "+2290197000000")
        #expect(collected.status == 202)
        #expect(collected.string("status") == "processing")
        #expect(collected.string("payer.operator") == "mtn")
        #expect(collected.string("test.scenario") == "default_success")
        let twice = try await pnpe.collect(id, msisdn: "+2290197000000")
        #expect(twice.errorCode == "invalid_state_transition")
        try await pnpe.advance(2)
        #expect(try await pnpe.status(id) == "processing")
        try await pnpe.advance(1)
        let succeeded = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(succeeded.string("status") == "succeeded")
        #expect(succeeded.int("fee") == 375)
        #expect(succeeded.int("net") == 24_625)
        #expect(succeeded.string("provider_reference")?.hasPrefix("MP") == true)
        let cancel = try await pnpe.call(.POST, "/v1/payments/\(id)/cancel")
        #expect(cancel.status == 409)
        #expect(cancel.errorCode == "invalid_state_transition")

        let receipt = try await pnpe.call(.GET, "/v1/payments/\(id)/receipt")
        #expect(receipt.string("object") == "receipt")
        #expect(receipt.string("receipt_number")?.hasPrefix("Q-") == true)
        #expect(receipt.string("payer_msisdn_masked") == "+22901••••0000")
        let html = try await pnpe.call(.GET, "/v1/payments/\(id)/receipt", headers: [("Accept", "text/html")])
        #expect(html.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(html.text.contains("Quittance de paiement"))
        #expect(html.text.contains("25 000 FCFA"))
        let english = try await pnpe.call(.GET, "/v1/payments/\(id)/receipt?format=html&lang=en")
        #expect(english.text.contains("Payment receipt"))

        let other = try await pnpe.createPayment()
        let canceled = try await pnpe.call(.POST, "/v1/payments/\(other)/cancel")
        #expect(canceled.string("status") == "canceled")
        let noReceipt = try await pnpe.call(.GET, "/v1/payments/\(other)/receipt")
        #expect(noReceipt.errorCode == "not_eligible")

        let timeline = try await pnpe.call(.GET, "/v1/payments/\(id)/events")
        guard case .array(let events)? = timeline["data"] else { throw TestFailure("no timeline") }
        #expect(events.compactMap { if case .string(let type)? = $0["type"] { type } else { nil } } == ["payment.created", "payment.processing", "payment.succeeded"])
    }

    @Test func expiryOnTheMerchantClock() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment(extra: #","expires_in":600"#)
        try await pnpe.advance(599)
        #expect(try await pnpe.status(id) == "pending")
        try await pnpe.advance(1)
        let expired = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(expired.string("status") == "expired")
        #expect(expired.string("failure_code") == "expired")
    }

    @Test func refundsPartialThenFull() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment(amount: 10_000)
        let early = try await pnpe.call(.POST, "/v1/payments/\(id)/refunds", json: "{}")
        #expect(early.status == 409)
        #expect(early.errorCode == "not_eligible")
        _ = try await pnpe.collect(id, msisdn: "+2290100000000")
        try await pnpe.advance(0)
        try await pnpe.waitForStatus(id, "succeeded")
        let tooMuch = try await pnpe.call(.POST, "/v1/payments/\(id)/refunds", json: #"{"amount":10001}"#)
        #expect(tooMuch.errorCode == "amount_exceeds_refundable")
        #expect(tooMuch.errorParam == "amount")
        let asText = try await pnpe.call(.POST, "/v1/payments/\(id)/refunds", json: #"{"amount":"100"}"#)
        #expect(asText.errorParam == "amount")
        let partial = try await pnpe.call(.POST, "/v1/payments/\(id)/refunds", json: #"{"amount":4000,"reason":"doublon"}"#)
        #expect(partial.status == 201)
        #expect(partial.string("status") == "pending")
        try await pnpe.waitForStatus(id, "partially_refunded")
        let rest = try await pnpe.call(.POST, "/v1/payments/\(id)/refunds", json: "{}")
        #expect(rest.int("amount") == 6000)
        try await pnpe.waitForStatus(id, "refunded")
        let payment = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(payment.int("amount_refunded") == 10_000)
        let refunds = try await pnpe.call(.GET, "/v1/payments/\(id)/refunds")
        guard case .array(let list)? = refunds["data"] else { throw TestFailure("no refunds") }
        #expect(list.count == 2)
        #expect(list.allSatisfy { $0["status"] == .string("succeeded") })
        let again = try await pnpe.call(.POST, "/v1/payments/\(id)/refunds", json: "{}")
        #expect(again.errorCode == "not_eligible")
    }
}
