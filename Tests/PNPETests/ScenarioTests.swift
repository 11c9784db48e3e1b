import Foundation
import HTTPTypes
import NIOHTTP1
import Testing
@testable import PNPE

/// The deterministic test payers and the test helpers, driven by the merchant's virtual clock.
@Suite struct ScenarioTests {
    static let numbered = TestScenario.catalogue.filter { $0.msisdn != nil }

    @Test(arguments: numbered.map(\.name))
    func scenarioEndToEnd(_ name: String) async throws {
        let scenario = try #require(TestScenario.named(name))
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment()
        let collect = try await pnpe.collect(id, msisdn: scenario.msisdn!)
        switch scenario.collect {
        case .accepted, .providerTimeout:
            #expect(collect.status == 202)
            #expect(collect.string("test.scenario") == name)
            #expect(collect.string("test.resolved_from") == "msisdn")
        case .payerNotFound:
            #expect(collect.status == 400)
            #expect(collect.errorCode == "payer_not_found")
            #expect(try await pnpe.status(id) == "failed")
            return
        case .providerDown:
            #expect(collect.status == 503)
            #expect(collect.header("Retry-After") == "5")
            #expect(collect.errorCode == "provider_unavailable")
            #expect(try await pnpe.status(id) == "pending")
            return
        }
        if let delay = scenario.delaySeconds, delay > 0 {
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(delay - 1)}")
            #expect(try await pnpe.status(id) == "processing")
        }
        let rest = scenario.outcome == .expire ? 901 : scenario.outcome == .stuck ? 3 * 86_400 : 1 + (scenario.reversedAfterSeconds ?? 0)
        let advanced = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(rest)}")
        #expect(advanced.status == 200)
        try await PNPEFixture.waitUntil { try await pnpe.status(id) == scenario.finalStatus }
        let payment = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(payment.string("failure_code") == scenario.failureCode)
    }

    @Test func catalogueIsServed() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let reply = try await pnpe.call(.GET, "/v1/test_helpers/scenarios", key: nil)
        guard case .array(let entries)? = reply["data"] else { throw TestFailure("no catalogue") }
        #expect(entries.count == TestScenario.catalogue.count)
        #expect(entries.first?["msisdn"] == .string("+2290100000000"))
        #expect(entries.contains { $0["name"] == .string("stuck_processing") && $0["final_status"] == .string("processing") && $0["webhook"] == .string("none") })
    }

    @Test func aliasesAndOtherNumbers() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let momo = try await pnpe.createPayment()
        #expect(try await pnpe.collect(momo, msisdn: "46733123451").string("test.scenario") == "declined_by_payer")
        let other = try await pnpe.createPayment()
        #expect(try await pnpe.collect(other, msisdn: "+229 01 66 77 8899").string("test.scenario") == "default_success")
    }

    @Test func headerOverride() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment()
        let collect = try await pnpe.collect(id, msisdn: "+2290100000000", headers: [("PNPE-Test-Scenario", "success; delay=12s; webhook=duplicate")])
        #expect(collect.string("test.resolved_from") == "header")
        #expect(collect.string("test.webhook") == "duplicate")
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":11}"#)
        #expect(try await pnpe.status(id) == "processing")
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":1}"#)
        #expect(try await pnpe.status(id) == "succeeded")

        let other = try await pnpe.createPayment()
        _ = try await pnpe.collect(other, msisdn: "+2290100000000", headers: [("PNPE-Test-Scenario", "insufficient_funds")])
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":3}"#)
        #expect(try await pnpe.call(.GET, "/v1/payments/\(other)").string("failure_code") == "insufficient_funds")

        for bad in ["nonsense", "success; delay=forever", "success; webhook=loud", "success; colour=blue"] {
            let third = try await pnpe.createPayment()
            let reply = try await pnpe.collect(third, msisdn: "+2290100000000", headers: [("PNPE-Test-Scenario", bad)])
            #expect(reply.status == 400, "\(bad)")
            #expect(reply.errorParam == "PNPE-Test-Scenario", "\(bad)")
        }
        // Created and collected in one call, with the header.
        let inline = try await pnpe.call(
            .POST, "/v1/payments", json: #"{"amount":1000,"collect":{"method":"moov_money","msisdn":"+2290100000000"}}"#,
            headers: [("PNPE-Test-Scenario", "failure; code=limit_exceeded; delay=0s")])
        #expect(inline.status == 202)
        #expect(inline.string("payer.operator") == "moov")
    }

    @Test func clockForceAndReset() async throws {
        let pnpe = try await PNPEFixture(virtualClock: false)
        defer { Task { await pnpe.stop() } }
        #expect(try await pnpe.call(.GET, "/v1/test_helpers/clock").string("mode") == "real")
        let frozen = try await pnpe.call(.POST, "/v1/test_helpers/clock/mode", json: #"{"mode":"virtual"}"#)
        #expect(frozen.string("mode") == "virtual")
        let before = try #require(frozen.string("now"))
        let after = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":3600}"#)
        let beforeDate = try #require(ISO8601DateFormatter().date(from: before))
        let afterDate = try #require(after.string("now").flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(afterDate.timeIntervalSince(beforeDate) == 3600)
        let backwards = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":-5}"#)
        #expect(backwards.errorParam == "seconds")
        let badMode = try await pnpe.call(.POST, "/v1/test_helpers/clock/mode", json: #"{"mode":"fast"}"#)
        #expect(badMode.errorParam == "mode")

        let a = try await pnpe.createPayment()
        let succeeded = try await pnpe.call(.POST, "/v1/test_helpers/payments/\(a)/succeed")
        #expect(succeeded.string("status") == "succeeded")
        let events = try await pnpe.call(.GET, "/v1/payments/\(a)/events")
        guard case .array(let timeline)? = events["data"] else { throw TestFailure("no timeline") }
        #expect(timeline.count == 3)
        let again = try await pnpe.call(.POST, "/v1/test_helpers/payments/\(a)/expire")
        #expect(again.status == 409)
        let b = try await pnpe.createPayment()
        let failed = try await pnpe.call(.POST, "/v1/test_helpers/payments/\(b)/fail", json: #"{"failure_code":"invalid_pin"}"#)
        #expect(failed.string("failure_code") == "invalid_pin")
        let c = try await pnpe.createPayment()
        #expect(try await pnpe.call(.POST, "/v1/test_helpers/payments/\(c)/fail", json: #"{"failure_code":"bogus"}"#).errorParam == "failure_code")
        #expect(try await pnpe.call(.POST, "/v1/test_helpers/payments/\(c)/expire").string("status") == "expired")

        let reset = try await pnpe.call(.POST, "/v1/test_helpers/reset")
        #expect(reset.string("status") == "done")
        let list = try await pnpe.call(.GET, "/v1/payments")
        #expect(list["data"] == .array([]))
        #expect(try await pnpe.call(.GET, "/v1/test_helpers/clock").string("mode") == "real")
        #expect(try await pnpe.call(.GET, "/v1/payments?limit=1", key: DemoMerchant.secretKey).status == 200)
    }
}
