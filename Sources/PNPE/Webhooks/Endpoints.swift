import HTTPTypes
import Foundation
import SandboxCore

extension PaymentPlatform {
    func webhookEndpoints(_ runner: some SQLRunner, merchantID: String) throws -> [WebhookEndpoint] {
        try runner.query("SELECT body FROM endpoints WHERE merchant_id = ? ORDER BY seq", [.text(merchantID)])
            .map { try PNPEJSON.decode(WebhookEndpoint.self, try $0.string("body")) }
    }

    func webhookEndpoint(_ runner: some SQLRunner, id: String, merchantID: String) throws -> WebhookEndpoint {
        guard let row = try runner.queryOne("SELECT body FROM endpoints WHERE id = ? AND merchant_id = ?", [.text(id), .text(merchantID)]) else {
            throw PNPEError.notFound("webhook endpoint", id)
        }
        return try PNPEJSON.decode(WebhookEndpoint.self, try row.string("body"))
    }

    func saveEndpoint(_ runner: some SQLRunner, _ endpoint: WebhookEndpoint) throws {
        try runner.execute("UPDATE endpoints SET body = ? WHERE id = ?", [.text(try PNPEJSON.text(endpoint)), .text(endpoint.id)])
    }

    static func newSecret() -> String { "whsec_" + Identifier.random(prefix: "x", bytes: 24).dropFirst(2).lowercased() }

    /// Validates event filters: `*`, `payment.*`, `refund.*`, `settlement.*` or a known type.
    static func validateFilters(_ filters: [String]) throws -> [String] {
        guard !filters.isEmpty else { throw PNPEError.invalid("events", "must list at least one event type, or \"*\"") }
        for (index, filter) in filters.enumerated() {
            let known = filter == "*" || ["payment.*", "refund.*", "settlement.*"].contains(filter) || EventType.all.contains(filter)
            guard known else {
                throw PNPEError.invalid("events[\(index)]", "unknown event type \(filter.prefix(60)); use *, payment.*, refund.*, settlement.* or one of \(EventType.all.joined(separator: ", "))")
            }
        }
        return filters
    }

    func createEndpoint(merchant: Merchant, url: String, events: [String], description: String?, policy: RetryPolicy) throws -> WebhookEndpoint {
        let endpoint = WebhookEndpoint(
            id: Identifier.random(prefix: "we", bytes: 10), merchantID: merchant.id, url: url, events: events, description: description,
            retryPolicy: policy, disabled: false, disabledReason: nil, secret: Self.newSecret(), previousSecret: nil, previousSecretExpiresAt: nil,
            createdAt: try now(merchant))
        try database.execute(
            "INSERT INTO endpoints (id, merchant_id, body) VALUES (?, ?, ?)", [.text(endpoint.id), .text(merchant.id), .text(try PNPEJSON.text(endpoint))])
        return endpoint
    }

    func updateEndpoint(merchant: Merchant, id: String, _ change: (inout WebhookEndpoint) throws -> Void) throws -> WebhookEndpoint {
        try database.transaction { tx in
            var endpoint = try webhookEndpoint(tx, id: id, merchantID: merchant.id)
            try change(&endpoint)
            try saveEndpoint(tx, endpoint)
            return endpoint
        }
    }

    /// Deletes the endpoint and cancels its pending deliveries.
    func deleteEndpoint(merchant: Merchant, id: String) throws {
        try database.transaction { tx in
            _ = try webhookEndpoint(tx, id: id, merchantID: merchant.id)
            try tx.execute("DELETE FROM endpoints WHERE id = ?", [.text(id)])
            let pending = try tx.query("SELECT id FROM deliveries WHERE endpoint_id = ? AND status = 'pending'", [.text(id)])
            for row in pending { try cancelJobs(tx, subject: try row.string("id"), kinds: [.attemptDelivery]) }
            try tx.execute("UPDATE deliveries SET status = 'canceled' WHERE endpoint_id = ? AND status = 'pending'", [.text(id)])
        }
    }

    /// A new secret, returned once; the old one keeps signing (a second `v1=`) for `overlapSeconds`.
    func rotateSecret(merchant: Merchant, id: String, overlapSeconds: Int64) throws -> WebhookEndpoint {
        let now = try self.now(merchant)
        return try updateEndpoint(merchant: merchant, id: id) { endpoint in
            endpoint.previousSecret = overlapSeconds > 0 ? endpoint.secret : nil
            endpoint.previousSecretExpiresAt = overlapSeconds > 0 ? now.addingTimeInterval(Double(overlapSeconds)) : nil
            endpoint.secret = Self.newSecret()
        }
    }

    /// Sends `event` again, now, to one endpoint or to every endpoint that selects it; also to the live
    /// stream, so `sandbox pnpe listen` sees resent events.
    func redeliver(merchant: Merchant, eventID: String, endpointID: String?) throws -> [Delivery] {
        guard let event = try event(merchantID: merchant.id, id: eventID) else { throw PNPEError.notFound("event", eventID) }
        return try write { tx, emitted in
            let now = try self.now(merchant)
            let endpoints = try endpointID.map { [try webhookEndpoint(tx, id: $0, merchantID: merchant.id)] }
                ?? webhookEndpoints(tx, merchantID: merchant.id).filter { $0.selects(event.type) }
            emitted.events.append(event)
            return try endpoints.map {
                try createDelivery(tx, event: event, endpoint: $0, policy: .none, delaySeconds: 0, badSignatureFirst: false, manual: true, now: now, emitted: &emitted)
            }
        }
    }

    /// A synthetic event of `type` sent to one endpoint (its object is a sample payment, marked as such).
    func sendTestEvent(merchant: Merchant, endpointID: String, type: String) throws -> (EventRecord, Delivery) {
        try write { tx, emitted in
            let now = try self.now(merchant)
            let endpoint = try webhookEndpoint(tx, id: endpointID, merchantID: merchant.id)
            let sample = Payment(
                id: "pay_test_" + Identifier.random(prefix: "x", bytes: 5).dropFirst(2), merchantID: merchant.id, status: .succeeded, amount: 25_000,
                description: "Événement de test (illustratif)", merchantReference: nil, customer: nil, methods: [.mtnMomo], method: .mtnMomo,
                checkoutToken: "ck_test", checkoutURL: "\(configuration.publicBaseURL)/checkout/ck_test", expiresAt: now, createdAt: now, updatedAt: now,
                metadata: ["test_event": "true"])
            let record = try EventRecord(
                id: Identifier.random(prefix: "evt", bytes: 10), type: type, merchantID: merchant.id, objectID: sample.id, createdAt: now,
                objectJSON: try PNPEJSON.text(sample), previousAttributes: nil)
            try tx.execute(
                "INSERT INTO events (id, merchant_id, type, object_id, created_ms, body) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(record.id), .text(merchant.id), .text(type), .text(sample.id), .integer(now.milliseconds), .text(record.body)])
            let delivery = try createDelivery(tx, event: record, endpoint: endpoint, policy: .none, delaySeconds: 0, badSignatureFirst: false, manual: true, now: now, emitted: &emitted)
            return (record, delivery)
        }
    }

    // MARK: Delivery log

    func delivery(merchantID: String, id: String) throws -> Delivery {
        guard let row = try database.queryOne("SELECT body FROM deliveries WHERE id = ? AND merchant_id = ?", [.text(id), .text(merchantID)]) else {
            throw PNPEError.notFound("delivery", id)
        }
        return try PNPEJSON.decode(Delivery.self, try row.string("body"))
    }

    /// Newest first, `limit` of them after the delivery `startingAfter`, and whether more follow.
    func deliveries(
        merchantID: String, endpointID: String?, eventID: String?, status: String?, limit: Int, startingAfter: String? = nil
    ) throws -> (deliveries: [Delivery], hasMore: Bool) {
        var sql = "SELECT body FROM deliveries WHERE merchant_id = ?"
        var bindings: [SQLValue] = [.text(merchantID)]
        if let endpointID {
            sql += " AND endpoint_id = ?"
            bindings.append(.text(endpointID))
        }
        if let eventID {
            sql += " AND event_id = ?"
            bindings.append(.text(eventID))
        }
        if let status {
            sql += " AND status = ?"
            bindings.append(.text(status))
        }
        if let startingAfter {
            guard let cursor = try database.queryOne("SELECT seq FROM deliveries WHERE id = ? AND merchant_id = ?", [.text(startingAfter), .text(merchantID)]) else {
                throw PNPEError.notFound("delivery", startingAfter, param: "starting_after")
            }
            sql += " AND seq < ?"
            bindings.append(.integer(try cursor.int("seq")))
        }
        sql += " ORDER BY seq DESC LIMIT ?"
        bindings.append(.integer(Int64(limit) + 1))
        let deliveries = try database.query(sql, bindings).map { try PNPEJSON.decode(Delivery.self, try $0.string("body")) }
        return (Array(deliveries.prefix(limit)), deliveries.count > limit)
    }
}
