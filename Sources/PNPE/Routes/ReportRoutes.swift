import Foundation
import HTTPTypes
import Hummingbird
import SandboxCore

/// Balance, reconciliation report and settlement batches (reference §4.9).
struct ReportRoutes {
    let platform: PaymentPlatform
    let gateway: APIGateway

    func add(to api: RouterGroup<SandboxRequestContext>) {
        api.get("balance", use: gateway.route("balance.get", balance))
        api.get("reports/reconciliation", use: gateway.route("reports.reconciliation", report))
        api.get("settlements", use: gateway.route("settlements.list", settlements))
        api.get("settlements/:id", use: gateway.route("settlements.get", settlement))
        api.post("test_helpers/settlements/run", use: gateway.route("test_helpers.settlements", run))
    }

    /// A `YYYY-MM-DD` day, as a UTC midnight.
    static func day(_ text: String, param: String) throws -> Date {
        // Exactly four, two and two digits: `Int` would also take signs, and a dropped part would shift the rest.
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        let digitsOnly = fields.map(\.count) == [4, 2, 2] && fields.allSatisfy { $0.utf8.allSatisfy { (48...57).contains($0) } }
        let parts = digitsOnly ? fields.compactMap { Int($0) } : []
        guard text.count == 10, parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]), let date = DateComponents(calendar: PaymentPlatform.utcCalendar, year: parts[0], month: parts[1], day: parts[2]).date,
            PaymentPlatform.utcCalendar.component(.day, from: date) == parts[2]
        else { throw PNPEError.invalid(param, "must be a day as YYYY-MM-DD, e.g. 2025-01-06") }
        return date
    }

    static func label(_ date: Date) -> String {
        let parts = PaymentPlatform.utcCalendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    @Sendable func balance(_ call: APICall) async throws -> APIResult { try .json(try platform.balance(merchantID: call.merchant.id)) }

    @Sendable func report(_ call: APICall) async throws -> APIResult {
        let today = PaymentPlatform.utcCalendar.startOfDay(for: try platform.now(call.merchant))
        let from = try call.query("from").map { try Self.day($0, param: "from") } ?? today
        let to = try call.query("to").map { try Self.day($0, param: "to") } ?? from
        guard from <= to else { throw PNPEError.invalid("to", "must not be before from") }
        guard to.timeIntervalSince(from) <= 366 * 86_400 else { throw PNPEError.invalid("to", "the period is at most 366 days") }
        let report = try platform.reconciliation(merchantID: call.merchant.id, from: from, to: to, labels: (Self.label(from), Self.label(to)))
        switch call.query("format") ?? "json" {
        case "json": return try .json(report)
        case "csv":
            var result = APIResult(status: .ok, body: Array(report.csv.utf8), contentType: "text/csv; charset=utf-8")
            result.headers.append((.contentDisposition, "attachment; filename=\"reconciliation-\(report.from)-\(report.to).csv\""))
            return result
        default: throw PNPEError.invalid("format", "must be json or csv")
        }
    }

    @Sendable func settlements(_ call: APICall) async throws -> APIResult {
        try .json(ListPage(data: try platform.settlements(merchantID: call.merchant.id), hasMore: false, url: "/v1/settlements"))
    }

    @Sendable func settlement(_ call: APICall) async throws -> APIResult {
        try .json(try platform.settlement(merchantID: call.merchant.id, id: try call.parameter("id")))
    }

    /// `{"up_to":"2025-01-06"}` settles what succeeded up to the end of that day; without it, up to now.
    @Sendable func run(_ call: APICall) async throws -> APIResult {
        let upTo = try call.reader(["up_to"]).string("up_to", maxLength: 10)
        let cutoff = try upTo.map { PaymentPlatform.utcCalendar.date(byAdding: .day, value: 1, to: try Self.day($0, param: "up_to"))! }
            ?? platform.now(call.merchant).addingTimeInterval(1)
        guard let batch = try platform.runSettlement(merchant: call.merchant, cutoff: cutoff) else {
            return try .json(["object": "settlement_run", "status": "nothing_to_settle"])
        }
        return try .json(batch, status: .created)
    }
}
