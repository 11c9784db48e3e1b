import HTTPTypes
import Foundation
import SandboxCore

/// A settlement batch: the collected payments paid out to the merchant at once (T+1 at 00:00 of the
/// merchant's clock, or on demand). Settlement is its own axis: a settled payment keeps its status.
public struct SettlementBatch: Sendable, Codable, Equatable {
    public struct Item: Sendable, Codable, Equatable {
        public var paymentID: String
        public var amount: Int64
        public var fee: Int64
        public var amountRefunded: Int64
        public var net: Int64

        enum CodingKeys: String, CodingKey {
            case amount, fee, net
            case paymentID = "payment_id"
            case amountRefunded = "amount_refunded"
        }
    }

    public var id: String
    public var object = "settlement"
    public var merchantID: String
    public var status = "paid"
    public var currency = "XOF"
    /// Payments that succeeded before this instant are in the batch.
    public var cutoff: Date
    public var createdAt: Date
    public var count: Int
    public var gross: Int64
    public var fees: Int64
    public var refunds: Int64
    public var net: Int64
    public var items: [Item]

    enum CodingKeys: String, CodingKey {
        case id, object, status, currency, cutoff, count, gross, fees, refunds, net, items
        case merchantID = "merchant_id"
        case createdAt = "created_at"
    }
}

extension PaymentPlatform {
    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Schedules the settlement run of the day after `succeededAt`, at 00:00 UTC, once per day.
    func scheduleSettlement(_ tx: Transaction, merchantID: String, succeededAt: Date, now: Date, emitted: inout Emitted) throws {
        let day = Self.utcCalendar.startOfDay(for: succeededAt)
        let due = Self.utcCalendar.date(byAdding: .day, value: 1, to: day)!
        let subject = "\(merchantID)@\(due.milliseconds)"
        guard try tx.queryOne("SELECT id FROM jobs WHERE subject = ? AND kind = ? AND state = 'pending'", [.text(subject), .text(JobKind.runSettlement.rawValue)]) == nil else {
            return
        }
        try schedule(tx, merchantID: merchantID, due: due, kind: .runSettlement, subject: subject, now: now, emitted: &emitted)
    }

    /// Settles every collected, unsettled payment that succeeded before `cutoff` in one batch, or
    /// returns nil when there is nothing to settle.
    @discardableResult
    func runSettlement(merchant: Merchant, cutoff: Date) throws -> SettlementBatch? {
        try write { tx, emitted in
            let now = try self.now(merchant)
            let payments = try tx.query(
                "SELECT body FROM payments WHERE merchant_id = ? AND status IN ('succeeded', 'partially_refunded', 'refunded') ORDER BY seq", [.text(merchant.id)]
            ).map { try PNPEJSON.decode(Payment.self, try $0.string("body")) }
                .filter { $0.settlement.status == "unsettled" && ($0.succeededAt ?? .distantFuture) < cutoff }
            guard !payments.isEmpty else { return nil }
            let id = Identifier.random(prefix: "stl", bytes: 10)
            let items = payments.map { payment in
                SettlementBatch.Item(
                    paymentID: payment.id, amount: payment.amount, fee: payment.fee ?? 0, amountRefunded: payment.amountRefunded,
                    net: (payment.net ?? payment.amount) - payment.amountRefunded)
            }
            let batch = SettlementBatch(
                id: id, merchantID: merchant.id, cutoff: cutoff, createdAt: now, count: items.count, gross: items.reduce(0) { $0 + $1.amount },
                fees: items.reduce(0) { $0 + $1.fee }, refunds: items.reduce(0) { $0 + $1.amountRefunded }, net: items.reduce(0) { $0 + $1.net },
                items: items)
            try tx.execute(
                "INSERT INTO settlements (id, merchant_id, created_ms, body) VALUES (?, ?, ?, ?)",
                [.text(id), .text(merchant.id), .integer(now.milliseconds), .text(try PNPEJSON.text(batch))])
            for var payment in payments {
                payment.settlement = Payment.Settlement(status: "settled", settlementID: id, settledAt: now)
                try save(tx, payment)
            }
            try emit(tx, merchant: merchant, type: "settlement.paid", objectID: id, object: batch, now: now, emitted: &emitted)
            return batch
        }
    }

    func settlements(merchantID: String) throws -> [SettlementBatch] {
        try database.query("SELECT body FROM settlements WHERE merchant_id = ? ORDER BY seq DESC", [.text(merchantID)])
            .map { try PNPEJSON.decode(SettlementBatch.self, try $0.string("body")) }
    }

    func settlement(merchantID: String, id: String) throws -> SettlementBatch {
        guard let row = try database.queryOne("SELECT body FROM settlements WHERE merchant_id = ? AND id = ?", [.text(merchantID), .text(id)]) else {
            throw PNPEError.notFound("settlement", id)
        }
        return try PNPEJSON.decode(SettlementBatch.self, try row.string("body"))
    }
}
