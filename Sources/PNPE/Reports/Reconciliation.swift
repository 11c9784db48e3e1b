import Foundation
import SandboxCore

/// The reconciliation report (reference §4.9): one row per payment created in the period, with the
/// columns a finance team matches against its own books, and a summary. "The PNPE says paid, our
/// database says pending" is found here.
public struct ReconciliationReport: Sendable, Encodable {
    public static let columns = [
        "payment_id", "merchant_reference", "bill_id", "created_at", "succeeded_at", "method", "operator", "payer_msisdn_masked",
        "provider_reference", "status", "failure_code", "amount", "fee", "net", "amount_refunded", "settlement_id", "settled_at",
    ]

    public struct Totals: Sendable, Encodable {
        public var count = 0
        public var amount: Int64 = 0
    }

    public struct Summary: Sendable, Encodable {
        public var count = 0
        public var byStatus: [String: Totals] = [:]
        public var byMethod: [String: Totals] = [:]
        /// Collected amounts (succeeded, partially refunded or refunded payments).
        public var gross: Int64 = 0
        public var fees: Int64 = 0
        public var net: Int64 = 0
        public var refunds: Int64 = 0
        /// What the merchant is owed for the period: net minus refunds.
        public var netPayable: Int64 = 0
        public var settled: Int64 = 0
        public var unsettled: Int64 = 0

        enum CodingKeys: String, CodingKey {
            case count, gross, fees, net, refunds, settled, unsettled
            case byStatus = "by_status"
            case byMethod = "by_method"
            case netPayable = "net_payable"
        }
    }

    public var object = "reconciliation_report"
    public var merchantID: String
    public var from: String
    public var to: String
    public var currency = "XOF"
    public var columns = ReconciliationReport.columns
    public var rows: [[String: String]]
    public var summary: Summary
    public var illustrative = true

    enum CodingKeys: String, CodingKey {
        case object, from, to, currency, columns, rows, summary, illustrative
        case merchantID = "merchant_id"
    }

    init(merchantID: String, from: String, to: String, payments: [Payment]) {
        self.merchantID = merchantID
        self.from = from
        self.to = to
        let formatter = ISO8601DateFormatter()
        rows = payments.map { payment in
            let values: [String?] = [
                payment.id, payment.merchantReference, payment.billID, formatter.string(from: payment.createdAt), payment.succeededAt.map(formatter.string),
                payment.method?.rawValue, payment.payer?.operator, payment.payer.flatMap { try? MSISDN(parsing: $0.msisdn).masked },
                payment.providerReference, payment.status.rawValue, payment.failureCode, String(payment.amount), payment.fee.map(String.init),
                payment.net.map(String.init), String(payment.amountRefunded), payment.settlement.settlementID, payment.settlement.settledAt.map(formatter.string),
            ]
            return Dictionary(uniqueKeysWithValues: zip(Self.columns, values.map { $0 ?? "" }))
        }
        var summary = Summary()
        for payment in payments {
            summary.count += 1
            summary.byStatus[payment.status.rawValue, default: Totals()].count += 1
            summary.byStatus[payment.status.rawValue, default: Totals()].amount += payment.amount
            let method = payment.method?.rawValue ?? "none"
            summary.byMethod[method, default: Totals()].count += 1
            summary.byMethod[method, default: Totals()].amount += payment.amount
            guard payment.status.collected else { continue }
            summary.gross += payment.amount
            summary.fees += payment.fee ?? 0
            summary.net += payment.net ?? payment.amount
            summary.refunds += payment.amountRefunded
            let payable = (payment.net ?? payment.amount) - payment.amountRefunded
            if payment.settlement.status == "settled" { summary.settled += payable } else { summary.unsettled += payable }
        }
        summary.netPayable = summary.net - summary.refunds
        self.summary = summary
    }

    /// The rows as CSV (RFC 4180), then a blank line and the summary as `key,value` lines. Text that a
    /// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with a quote.
    public var csv: String {
        var lines = [Self.columns.joined(separator: ",")]
        for row in rows { lines.append(Self.columns.map { Self.field(row[$0] ?? "", numeric: ["amount", "fee", "net", "amount_refunded"].contains($0)) }.joined(separator: ",")) }
        lines.append("")
        lines.append("summary,value")
        let pairs: [(String, String)] = [
            ("from", from), ("to", to), ("count", String(summary.count)), ("gross", String(summary.gross)), ("fees", String(summary.fees)),
            ("net", String(summary.net)), ("refunds", String(summary.refunds)), ("net_payable", String(summary.netPayable)),
            ("settled", String(summary.settled)), ("unsettled", String(summary.unsettled)),
        ] + summary.byStatus.sorted { $0.key < $1.key }.map { ("status_\($0.key)", "\($0.value.count)/\($0.value.amount)") }
            + summary.byMethod.sorted { $0.key < $1.key }.map { ("method_\($0.key)", "\($0.value.count)/\($0.value.amount)") }
        for (key, value) in pairs { lines.append("\(key),\(Self.field(value, numeric: true))") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ value: String, numeric: Bool) -> String {
        var text = value
        if !numeric, let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

public struct Balance: Sendable, Encodable {
    public struct Amount: Sendable, Encodable {
        public var amount: Int64
        public var currency = "XOF"
    }
    public var object = "balance"
    /// Settled to the merchant, less refunds made on settled payments.
    public var available: [Amount]
    /// Collected but not yet settled.
    public var pending: [Amount]
}

extension PaymentPlatform {
    func balance(merchantID: String) throws -> Balance {
        let payments = try database.query(
            "SELECT body FROM payments WHERE merchant_id = ? AND status IN ('succeeded', 'partially_refunded', 'refunded')", [.text(merchantID)]
        ).map { try PNPEJSON.decode(Payment.self, try $0.string("body")) }
        var available: Int64 = 0
        var pending: Int64 = 0
        for payment in payments {
            let value = (payment.net ?? payment.amount) - payment.amountRefunded
            if payment.settlement.status == "settled" { available += value } else { pending += value }
        }
        return Balance(available: [.init(amount: available)], pending: [.init(amount: pending)])
    }

    /// Payments created on the UTC days `from` to `to`, inclusive.
    func reconciliation(merchantID: String, from: Date, to: Date, labels: (String, String)) throws -> ReconciliationReport {
        let end = Self.utcCalendar.date(byAdding: .day, value: 1, to: to)!
        let payments = try database.query(
            "SELECT body FROM payments WHERE merchant_id = ? AND created_ms >= ? AND created_ms < ? ORDER BY seq",
            [.text(merchantID), .integer(from.milliseconds), .integer(end.milliseconds)]
        ).map { try PNPEJSON.decode(Payment.self, try $0.string("body")) }
        return ReconciliationReport(merchantID: merchantID, from: labels.0, to: labels.1, payments: payments)
    }
}
