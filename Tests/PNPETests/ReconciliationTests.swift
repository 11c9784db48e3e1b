import Foundation
import HTTPTypes
import NIOHTTP1
import Testing
@testable import PNPE

@Suite struct ReconciliationTests {
    @Test func reportSumsBalanceAndSettlement() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let a = try await pnpe.createPayment(amount: 10_000, reference: "=HYPERLINK(1)")
        _ = try await pnpe.collect(a, msisdn: "+2290100000000")
        let b = try await pnpe.createPayment(amount: 20_000, reference: "ISP-2")
        _ = try await pnpe.collect(b, msisdn: "+2290100000000", method: "moov_money")
        let c = try await pnpe.createPayment(amount: 7_000)
        _ = try await pnpe.collect(c, msisdn: "+2290100000011")
        _ = try await pnpe.createPayment(amount: 3_000)
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":3}"#)
        try await pnpe.waitForStatus(c, "failed")
        _ = try await pnpe.call(.POST, "/v1/payments/\(b)/refunds", json: #"{"amount":5000}"#)
        try await pnpe.waitForStatus(b, "partially_refunded")

        let created = try #require(try await pnpe.call(.GET, "/v1/payments/\(a)").string("created_at"))
        let day = String(created.prefix(10))
        let report = try await pnpe.call(.GET, "/v1/reports/reconciliation?from=\(day)&to=\(day)&format=json")
        #expect(report.status == 200)
        guard case .array(let rows)? = report["rows"] else { throw TestFailure("no rows") }
        #expect(rows.count == 4)
        #expect(report.int("summary.count") == 4)
        #expect(report.int("summary.gross") == 30_000)
        #expect(report.int("summary.fees") == 450)
        #expect(report.int("summary.net") == 29_550)
        #expect(report.int("summary.refunds") == 5_000)
        #expect(report.int("summary.net_payable") == 24_550)
        #expect(report.int("summary.unsettled") == 24_550)
        #expect(report.int("summary.by_status.failed.amount") == 7_000)
        #expect(report.int("summary.by_method.moov_money.count") == 1)
        guard case .array(let columns)? = report["columns"] else { throw TestFailure("no columns") }
        #expect(columns.count == 17)

        let csv = try await pnpe.call(.GET, "/v1/reports/reconciliation?from=\(day)&format=csv")
        #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let lines = csv.text.components(separatedBy: "\r\n")
        #expect(lines.first == ReconciliationReport.columns.joined(separator: ","))
        #expect(lines.contains { $0.hasPrefix("\(a),'=HYPERLINK(1),") })
        #expect(lines.contains("net_payable,24550"))
        #expect(lines.contains { $0.contains("+22901••••0000") })

        let balance = try await pnpe.call(.GET, "/v1/balance")
        #expect(balance.int("pending.0.amount") == nil)
        guard case .array(let pending)? = balance["pending"], case .array(let available)? = balance["available"] else { throw TestFailure("no balance") }
        #expect(pending.first?["amount"] == .integer(24_550))
        #expect(available.first?["amount"] == .integer(0))

        // T+1 at 00:00 on the merchant's clock: the day's collected payments are settled in one batch.
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":86400}"#)
        let settlements = try await pnpe.call(.GET, "/v1/settlements")
        guard case .array(let batches)? = settlements["data"], let batch = batches.first else { throw TestFailure("no settlement") }
        #expect(batches.count == 1)
        #expect(batch["count"] == .integer(2))
        #expect(batch["gross"] == .integer(30_000))
        #expect(batch["net"] == .integer(24_550))
        guard case .string(let batchID)? = batch["id"] else { throw TestFailure("no id") }
        #expect(try await pnpe.call(.GET, "/v1/settlements/\(batchID)").int("refunds") == 5_000)
        let settled = try await pnpe.call(.GET, "/v1/payments/\(a)")
        #expect(settled.string("settlement.status") == "settled")
        #expect(settled.string("settlement.settlement_id") == batchID)
        #expect(settled.string("status") == "succeeded")
        let after = try await pnpe.call(.GET, "/v1/balance")
        guard case .array(let availableAfter)? = after["available"] else { throw TestFailure("no balance") }
        #expect(availableAfter.first?["amount"] == .integer(24_550))
        let events = try await pnpe.call(.GET, "/v1/events?type=settlement.paid")
        guard case .array(let paid)? = events["data"] else { throw TestFailure("no events") }
        #expect(paid.count == 1)
        #expect(try await pnpe.call(.GET, "/v1/reports/reconciliation?from=\(day)").int("summary.settled") == 24_550)
    }

    @Test func settleOnDemandAndBadParameters() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let nothing = try await pnpe.call(.POST, "/v1/test_helpers/settlements/run", json: "{}")
        #expect(nothing.string("status") == "nothing_to_settle")
        let id = try await pnpe.createPayment()
        _ = try await pnpe.call(.POST, "/v1/test_helpers/payments/\(id)/succeed")
        let run = try await pnpe.call(.POST, "/v1/test_helpers/settlements/run", json: "{}")
        #expect(run.status == 201)
        #expect(run.int("count") == 1)
        for (query, param) in [("from=2025-13-01", "from"), ("from=yesterday", "from"), ("from=2025-01-06&to=2025-01-05", "to"), ("format=xml", "format")] {
            let reply = try await pnpe.call(.GET, "/v1/reports/reconciliation?\(query)")
            #expect(reply.status == 400, "\(query)")
            #expect(reply.errorParam == param, "\(query)")
        }
        #expect(try await pnpe.call(.POST, "/v1/test_helpers/settlements/run", json: #"{"up_to":"06/01/2025"}"#).errorParam == "up_to")
    }
}
