import HTTPTypes
import Foundation
import SandboxCore

/// The kinds of scheduled work, all run on the merchant's clock.
enum JobKind: String, Sendable {
    case resolvePayment = "payment.resolve"
    case expirePayment = "payment.expire"
    case reversePayment = "payment.reverse"
    case resolveRefund = "refund.resolve"
    case attemptDelivery = "delivery.attempt"
    case runSettlement = "settlement.run"
}

/// What a transaction produced that must be announced once it is committed: events for the live
/// stream, and whether a job is due now (so the worker wakes at once).
struct Emitted {
    var events: [EventRecord] = []
    var wakeWorker = false
}

extension PaymentPlatform {
    /// Stores an event and, in the same transaction, one delivery per endpoint that wants it (the
    /// outbox): if the process stops now, the deliveries are still there when it starts again.
    @discardableResult
    func emit(
        _ tx: Transaction, merchant: Merchant, type: String, objectID: String, object: some Encodable,
        previous: [String: String]? = nil, plan: DeliveryPlan = .normal, facts: FaultFacts? = nil,
        now: Date, emitted: inout Emitted
    ) throws -> EventRecord {
        let record = try EventRecord(
            id: Identifier.random(prefix: "evt", bytes: 10), type: type, merchantID: merchant.id, objectID: objectID, createdAt: now,
            objectJSON: try PNPEJSON.text(object), previousAttributes: previous)
        return try emit(tx, record, merchant: merchant, plan: plan, facts: facts, emitted: &emitted)
    }

    /// Stores an event built before the transaction opened (so its encoding did not hold the database),
    /// and its deliveries.
    @discardableResult
    func emit(
        _ tx: Transaction, _ record: EventRecord, merchant: Merchant, plan scenarioPlan: DeliveryPlan = .normal, facts: FaultFacts? = nil,
        emitted: inout Emitted
    ) throws -> EventRecord {
        let (type, now) = (record.type, record.createdAt)
        try tx.execute(
            "INSERT INTO events (id, merchant_id, type, object_id, created_ms, body) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(record.id), .text(merchant.id), .text(type), .text(record.objectID), .integer(now.milliseconds), .text(record.body)])
        emitted.events.append(record)

        let endpoints = try webhookEndpoints(tx, merchantID: merchant.id).filter { $0.selects(type) }
        guard !endpoints.isEmpty else { return record }
        var plan = scenarioPlan
        var faultFacts = facts ?? FaultFacts(operation: "webhook.deliver")
        faultFacts.operation = "webhook.deliver"
        faultFacts.eventType = type
        if let rule = try consumeFault(tx, merchantID: merchant.id, facts: faultFacts, types: [.webhook]) {
            switch rule.action.webhook {
            case "drop": plan.drop = true
            case "duplicate": plan.copies = max(plan.copies, 2)
            case "delay": plan.delaySeconds += Int64(rule.action.seconds ?? 60)
            case "bad_signature": plan.badSignatureFirst = true
            default: break
            }
        }
        guard !plan.drop else { return record }
        for endpoint in endpoints {
            for _ in 0..<plan.copies {
                try createDelivery(
                    tx, event: record, endpoint: endpoint, policy: endpoint.retryPolicy, delaySeconds: plan.delaySeconds,
                    badSignatureFirst: plan.badSignatureFirst, manual: false, now: now, emitted: &emitted)
            }
        }
        return record
    }

    /// Queues a delivery and its first attempt.
    @discardableResult
    func createDelivery(
        _ tx: Transaction, event: EventRecord, endpoint: WebhookEndpoint, policy: RetryPolicy, delaySeconds: Int64,
        badSignatureFirst: Bool, manual: Bool, now: Date, emitted: inout Emitted
    ) throws -> Delivery {
        let due = now.addingTimeInterval(Double(delaySeconds))
        let delivery = Delivery(
            id: Identifier.random(prefix: "whd", bytes: 10), eventID: event.id, eventType: event.type, endpointID: endpoint.id, url: endpoint.url,
            status: "pending", retryPolicy: policy, createdAt: due, nextAttemptAt: due, badSignatureFirst: badSignatureFirst, manual: manual,
            attempts: [])
        try tx.execute(
            "INSERT INTO deliveries (id, merchant_id, event_id, endpoint_id, status, body) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(delivery.id), .text(endpoint.merchantID), .text(event.id), .text(endpoint.id), .text(delivery.status), .text(try PNPEJSON.text(delivery))])
        try schedule(tx, merchantID: endpoint.merchantID, due: due, kind: .attemptDelivery, subject: delivery.id, now: now, emitted: &emitted)
        return delivery
    }

    /// Adds a job; one due now wakes the worker once the transaction commits.
    func schedule(
        _ runner: some SQLRunner, merchantID: String, due: Date, kind: JobKind, subject: String, payload: String = "{}", now: Date,
        emitted: inout Emitted
    ) throws {
        try runner.execute(
            "INSERT INTO jobs (merchant_id, due_ms, kind, subject, payload) VALUES (?, ?, ?, ?, ?)",
            [.text(merchantID), .integer(due.milliseconds), .text(kind.rawValue), .text(subject), .text(payload)])
        if due <= now { emitted.wakeWorker = true }
    }

    /// Cancels the pending jobs of `kinds` about `subject` (a payment that reached its outcome early).
    func cancelJobs(_ runner: some SQLRunner, subject: String, kinds: [JobKind]) throws {
        for kind in kinds {
            try runner.execute("DELETE FROM jobs WHERE subject = ? AND kind = ? AND state = 'pending'", [.text(subject), .text(kind.rawValue)])
        }
    }

    /// Runs `body` in one transaction, then announces what it emitted.
    func write<T>(_ body: (Transaction, inout Emitted) throws -> T) throws -> T {
        var emitted = Emitted()
        let result = try database.transaction { tx in try body(tx, &emitted) }
        announce(emitted)
        return result
    }

    func announce(_ emitted: Emitted) {
        for event in emitted.events { broadcaster.publish(event) }
        if emitted.wakeWorker { wakeUp.yield() }
    }

    // MARK: Reading events

    func event(merchantID: String, id: String) throws -> EventRecord? {
        try database.queryOne("SELECT * FROM events WHERE merchant_id = ? AND id = ?", [.text(merchantID), .text(id)]).map(Self.eventRecord)
    }

    static func eventRecord(_ row: Row) throws -> EventRecord {
        EventRecord(
            id: try row.string("id"), type: try row.string("type"), merchantID: try row.string("merchant_id"), objectID: try row.string("object_id"),
            createdAt: Date(milliseconds: try row.int("created_ms")), body: try row.string("body"))
    }

    /// The events of some objects (a payment and its refunds: its timeline), oldest first.
    func events(objectIDs: [String], merchantID: String) throws -> [EventRecord] {
        let marks = Array(repeating: "?", count: objectIDs.count).joined(separator: ", ")
        return try database.query(
            "SELECT * FROM events WHERE merchant_id = ? AND object_id IN (\(marks)) ORDER BY seq", [.text(merchantID)] + objectIDs.map { .text($0) }
        ).map(Self.eventRecord)
    }

    /// A page of the merchant's events, newest first, after the cursor `startingAfter`.
    func events(merchantID: String, type: String?, limit: Int, startingAfter: String?) throws -> (events: [EventRecord], hasMore: Bool) {
        var sql = "SELECT * FROM events WHERE merchant_id = ?"
        var bindings: [SQLValue] = [.text(merchantID)]
        if let type {
            sql += " AND type = ?"
            bindings.append(.text(type))
        }
        if let startingAfter {
            guard let cursor = try database.queryOne("SELECT seq FROM events WHERE id = ? AND merchant_id = ?", [.text(startingAfter), .text(merchantID)]) else {
                throw PNPEError.notFound("event", startingAfter, param: "starting_after")
            }
            sql += " AND seq < ?"
            bindings.append(.integer(try cursor.int("seq")))
        }
        sql += " ORDER BY seq DESC LIMIT ?"
        bindings.append(.integer(Int64(limit + 1)))
        let rows = try database.query(sql, bindings).map(Self.eventRecord)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }
}
