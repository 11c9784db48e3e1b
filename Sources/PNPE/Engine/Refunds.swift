import HTTPTypes
import Foundation
import SandboxCore

extension PaymentPlatform {
    func refund(_ runner: some SQLRunner, id: String, merchantID: String) throws -> Refund {
        guard let row = try runner.queryOne("SELECT body FROM refunds WHERE id = ? AND merchant_id = ?", [.text(id), .text(merchantID)]) else {
            throw PNPEError.notFound("refund", id)
        }
        return try PNPEJSON.decode(Refund.self, try row.string("body"))
    }

    func refunds(paymentID: String, merchantID: String) throws -> [Refund] {
        try database.query("SELECT body FROM refunds WHERE payment_id = ? AND merchant_id = ? ORDER BY seq", [.text(paymentID), .text(merchantID)])
            .map { try PNPEJSON.decode(Refund.self, try $0.string("body")) }
    }

    func refunds(merchantID: String, limit: Int, startingAfter: String?) throws -> (refunds: [Refund], hasMore: Bool) {
        var sql = "SELECT body FROM refunds WHERE merchant_id = ?"
        var bindings: [SQLValue] = [.text(merchantID)]
        if let startingAfter {
            guard let cursor = try database.queryOne("SELECT seq FROM refunds WHERE id = ? AND merchant_id = ?", [.text(startingAfter), .text(merchantID)]) else {
                throw PNPEError.notFound("refund", startingAfter, param: "starting_after")
            }
            sql += " AND seq < ?"
            bindings.append(.integer(try cursor.int("seq")))
        }
        sql += " ORDER BY seq DESC LIMIT ?"
        bindings.append(.integer(Int64(limit + 1)))
        let refunds = try database.query(sql, bindings).map { try PNPEJSON.decode(Refund.self, try $0.string("body")) }
        return (Array(refunds.prefix(limit)), refunds.count > limit)
    }

    private func saveRefund(_ runner: some SQLRunner, _ refund: Refund) throws {
        try runner.execute("UPDATE refunds SET status = ?, body = ? WHERE id = ?", [.text(refund.status), .text(try PNPEJSON.text(refund)), .text(refund.id)])
    }

    /// Refunds all (amount nil) or part of a collected payment. The refund starts `pending` and succeeds
    /// when its job runs, as a provider's refund would.
    func createRefund(merchant: Merchant, paymentID: String, amount: Int64?, reason: String?) throws -> Refund {
        try write { tx, emitted in
            let now = try self.now(merchant)
            let payment = try self.payment(tx, id: paymentID, merchantID: merchant.id)
            guard payment.status == .succeeded || payment.status == .partiallyRefunded else {
                throw PNPEError(
                    .conflict, code: "not_eligible",
                    message: "payment \(payment.id) is \(payment.status.rawValue); only succeeded or partially refunded payments can be refunded",
                    param: "id", extra: ["status": payment.status.rawValue])
            }
            let refundable = payment.refundable - (try pendingRefunds(tx, paymentID: payment.id))
            let value = amount ?? refundable
            guard value >= 1, value <= refundable else {
                throw PNPEError(
                    .badRequest, code: "amount_exceeds_refundable",
                    message: "amount: \(value) XOF is more than the \(refundable) XOF still refundable on \(payment.id)", param: "amount")
            }
            let refund = Refund(
                id: Identifier.random(prefix: "re", bytes: 10), paymentID: payment.id, merchantID: merchant.id, amount: value, status: "pending",
                reason: reason, createdAt: now, updatedAt: now)
            try tx.execute(
                "INSERT INTO refunds (id, merchant_id, payment_id, status, amount, body) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(refund.id), .text(merchant.id), .text(payment.id), .text(refund.status), .integer(value), .text(try PNPEJSON.text(refund))])
            try emit(tx, merchant: merchant, type: "refund.created", objectID: refund.id, object: refund, facts: facts(payment), now: now, emitted: &emitted)
            try schedule(tx, merchantID: merchant.id, due: now, kind: .resolveRefund, subject: refund.id, now: now, emitted: &emitted)
            return refund
        }
    }

    /// Runs a due `refund.resolve` job: the refund succeeds and the payment's refunded amount grows.
    func resolveRefund(merchant: Merchant, refundID: String) throws {
        try write { tx, emitted in
            let now = try self.now(merchant)
            var refund = try self.refund(tx, id: refundID, merchantID: merchant.id)
            guard refund.status == "pending" else { return }
            try complete(tx, &refund, merchant: merchant, now: now, emitted: &emitted)
        }
    }

    /// What refunds still pending will take from a payment.
    private func pendingRefunds(_ tx: Transaction, paymentID: String) throws -> Int64 {
        try tx.queryOne("SELECT COALESCE(SUM(amount), 0) AS total FROM refunds WHERE payment_id = ? AND status = 'pending'", [.text(paymentID)])?.int("total") ?? 0
    }

    private func complete(_ tx: Transaction, _ refund: inout Refund, merchant: Merchant, now: Date, emitted: inout Emitted) throws {
        var payment = try self.payment(tx, id: refund.paymentID, merchantID: merchant.id)
        guard refund.amount <= payment.refundable else {
            // Something else took the money back first (a provider's reversal): this refund cannot happen,
            // and it must not stay pending for ever nor push the refunded total past the amount.
            refund.status = "failed"
            refund.failureCode = "amount_exceeds_refundable"
            refund.updatedAt = now
            try saveRefund(tx, refund)
            try emit(tx, merchant: merchant, type: "refund.failed", objectID: refund.id, object: refund, previous: ["status": "pending"], facts: facts(payment), now: now, emitted: &emitted)
            return
        }
        refund.status = "succeeded"
        refund.updatedAt = now
        try saveRefund(tx, refund)
        try emit(tx, merchant: merchant, type: "refund.succeeded", objectID: refund.id, object: refund, previous: ["status": "pending"], facts: facts(payment), now: now, emitted: &emitted)
        payment.amountRefunded += refund.amount
        let next: PaymentStatus = payment.amountRefunded >= payment.amount ? .refunded : .partiallyRefunded
        try transition(tx, &payment, to: next, merchant: merchant, action: "refund", now: now, emitted: &emitted)
    }

    /// Runs a due `payment.reverse` job (`success_then_reversed`): the provider takes the money back.
    func reversePayment(merchant: Merchant, paymentID: String) throws {
        try write { tx, emitted in
            let now = try self.now(merchant)
            var payment = try self.payment(tx, id: paymentID, merchantID: merchant.id)
            guard payment.status == .succeeded || payment.status == .partiallyRefunded else { return }
            // The operator takes back what no pending refund is already returning.
            let reversed = payment.refundable - (try pendingRefunds(tx, paymentID: payment.id))
            guard reversed >= 1 else { return }
            var refund = Refund(
                id: Identifier.random(prefix: "re", bytes: 10), paymentID: payment.id, merchantID: merchant.id, amount: reversed,
                status: "pending", reason: "reversed_by_provider", createdAt: now, updatedAt: now)
            try tx.execute(
                "INSERT INTO refunds (id, merchant_id, payment_id, status, amount, body) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(refund.id), .text(merchant.id), .text(payment.id), .text(refund.status), .integer(refund.amount), .text(try PNPEJSON.text(refund))])
            payment.failureCode = "reversed_by_provider"
            payment.failureMessage = "The operator reversed the transaction after it succeeded."
            try save(tx, payment)
            try emit(tx, merchant: merchant, type: "refund.created", objectID: refund.id, object: refund, facts: facts(payment), now: now, emitted: &emitted)
            try complete(tx, &refund, merchant: merchant, now: now, emitted: &emitted)
        }
    }
}
