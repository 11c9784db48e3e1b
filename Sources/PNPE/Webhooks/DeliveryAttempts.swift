import HTTPTypes
import AsyncHTTPClient
import Foundation
import NIOCore
import SandboxCore

extension PaymentPlatform {
    /// Makes one attempt of a delivery, records it in the delivery log, and schedules the next attempt
    /// from the endpoint's retry policy unless the receiver answered 2xx (or 410 Gone, which disables it).
    func attemptDelivery(merchant: Merchant, deliveryID: String, scheduledAt: Date) async throws {
        var delivery = try self.delivery(merchantID: merchant.id, id: deliveryID)
        guard delivery.status == "pending" else { return }
        let endpoint: WebhookEndpoint
        do {
            endpoint = try webhookEndpoint(database, id: delivery.endpointID, merchantID: merchant.id)
        } catch {
            try finish(merchant: merchant, deliveryID: deliveryID, status: "canceled")
            return
        }
        guard !endpoint.disabled else {
            try finish(merchant: merchant, deliveryID: deliveryID, status: "canceled")
            return
        }
        guard let event = try event(merchantID: merchant.id, id: delivery.eventID) else {
            try finish(merchant: merchant, deliveryID: deliveryID, status: "canceled")
            return
        }
        let number = delivery.attempts.count + 1
        let merchantNow = try now(merchant)
        let timestamp = Int64(realNow.timeIntervalSince1970)
        let body = Array(event.body.utf8)
        let secrets = delivery.badSignatureFirst && number == 1 ? [Self.newSecret()] : endpoint.signingSecrets(at: merchantNow)
        let headers: [(String, String)] = [
            ("Content-Type", "application/json"), ("User-Agent", "PNPE-Sandbox-Webhooks/1.0"), ("PNPE-Event-Id", event.id),
            ("PNPE-Event-Type", event.type), ("PNPE-Delivery-Id", delivery.id), ("PNPE-Delivery-Attempt", String(number)),
            ("PNPE-Signature", WebhookSignature.header(secrets: secrets, timestamp: timestamp, body: body)),
        ]
        let started = ContinuousClock.now
        var attempt = Delivery.Attempt(
            attempt: number, scheduledAt: scheduledAt, sentAt: merchantNow, durationMilliseconds: 0, requestURL: endpoint.url,
            requestHeaders: Dictionary(headers, uniquingKeysWith: { $1 }), requestBody: event.body, outcome: "failed")
        var gone = false
        do {
            let reply = try await sender.post(url: endpoint.url, headers: headers, body: body)
            attempt.responseStatus = reply.status
            attempt.responseHeaders = reply.headers
            attempt.responseBodyExcerpt = reply.bodyExcerpt
            attempt.outcome = (200..<300).contains(reply.status) ? "succeeded" : "failed"
            gone = reply.status == 410
        } catch {
            let text = "\(error)"
            if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded || clientError == .readTimeout || clientError == .connectTimeout {
                attempt.outcome = "timeout"
            } else if text.localizedCaseInsensitiveContains("refused") {
                attempt.outcome = "connection_refused"
            } else {
                attempt.outcome = "error"
            }
            attempt.error = String(text.prefix(300))
        }
        let elapsed = ContinuousClock.now - started
        attempt.durationMilliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)

        try write { tx, emitted in
            guard let row = try tx.queryOne("SELECT body FROM deliveries WHERE id = ?", [.text(deliveryID)]) else { return }
            delivery = try PNPEJSON.decode(Delivery.self, try row.string("body"))
            guard delivery.status == "pending" else { return }
            let offsets = delivery.retryPolicy.offsetsMilliseconds
            if attempt.outcome == "succeeded" {
                delivery.status = "succeeded"
                delivery.nextAttemptAt = nil
            } else if !gone, number < offsets.count {
                let next = max(delivery.createdAt.addingTimeInterval(Double(offsets[number]) / 1000), merchantNow)
                attempt.nextRetryAt = next
                delivery.nextAttemptAt = next
                try schedule(tx, merchantID: merchant.id, due: next, kind: .attemptDelivery, subject: delivery.id, now: try self.now(merchant), emitted: &emitted)
            } else {
                delivery.status = "failed"
                delivery.nextAttemptAt = nil
            }
            delivery.attempts.append(attempt)
            try tx.execute("UPDATE deliveries SET status = ?, body = ? WHERE id = ?", [.text(delivery.status), .text(try PNPEJSON.text(delivery)), .text(delivery.id)])
            if gone, var current = try? webhookEndpoint(tx, id: endpoint.id, merchantID: merchant.id) {
                current.disabled = true
                current.disabledReason = "the receiver answered 410 Gone"
                try saveEndpoint(tx, current)
            }
        }
    }

    private func finish(merchant: Merchant, deliveryID: String, status: String) throws {
        try database.transaction { tx in
            guard let row = try tx.queryOne("SELECT body FROM deliveries WHERE id = ? AND merchant_id = ?", [.text(deliveryID), .text(merchant.id)]) else { return }
            var delivery = try PNPEJSON.decode(Delivery.self, try row.string("body"))
            delivery.status = status
            delivery.nextAttemptAt = nil
            try tx.execute("UPDATE deliveries SET status = ?, body = ? WHERE id = ?", [.text(status), .text(try PNPEJSON.text(delivery)), .text(deliveryID)])
        }
    }
}
