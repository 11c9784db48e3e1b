import AsyncHTTPClient
import Foundation
import SandboxCore
import SandboxCrypto
import Synchronization
import HTTPTypes
import NIOCore
import NIOHTTP1
import Testing
@testable import PNPE

@Suite struct WebhookTests {
    @Test func endpointsAndSignedDeliveries() async throws {
        let pnpe = try await PNPEFixture()
        let receiver = try await WebhookReceiver()
        defer { Task { await pnpe.stop(); await receiver.stop() } }
        let badURL = try await pnpe.call(.POST, "/v1/webhook_endpoints", json: #"{"url":"ftp://example.org/x"}"#)
        #expect(badURL.errorCode == "url_invalid")
        #expect(badURL.errorParam == "url")
        let badFilter = try await pnpe.call(.POST, "/v1/webhook_endpoints", json: #"{"url":"http://localhost/x","events":["payment.paid"]}"#)
        #expect(badFilter.errorParam == "events[0]")
        let endpoint = try await pnpe.register(receiver, events: ["payment.succeeded"])
        let shown = try await pnpe.call(.GET, "/v1/webhook_endpoints/\(endpoint)")
        #expect(shown.string("url") == receiver.url)
        #expect(shown["secret"] == nil)

        let id = try await pnpe.createPayment()
        _ = try await pnpe.collect(id, msisdn: "+2290100000001")
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":5}"#)
        try await receiver.waitFor("payment.succeeded")
        let delivered = try #require(receiver.deliveries.first)
        #expect(receiver.deliveries.count == 1)
        #expect(delivered.verified)
        #expect(delivered.signatureHeader.hasPrefix("t="))
        let event = try await pnpe.call(.GET, "/v1/events/\(delivered.eventID)")
        #expect(event.text == delivered.body)
        #expect(event.string("data.object.id") == id)
        #expect(event.string("data.previous_attributes.status") == "processing")
        try await PNPEFixture.waitUntil { try await pnpe.call(.GET, "/v1/webhook_endpoints/\(endpoint)/deliveries?status=succeeded").text.contains(delivered.eventID) }
        let log = try await pnpe.call(.GET, "/v1/webhook_endpoints/\(endpoint)/deliveries")
        guard case .array(let entries)? = log["data"], case .string(let deliveryID)? = entries.first?["id"] else { throw TestFailure("no log") }
        let detail = try await pnpe.call(.GET, "/v1/deliveries/\(deliveryID)")
        #expect(detail.int("attempts.0") == nil)
        guard case .array(let attempts)? = detail["attempts"] else { throw TestFailure("no attempts") }
        #expect(attempts.first?["response_status"] == .integer(200))
        #expect(attempts.first?["outcome"] == .string("succeeded"))
    }

    @Test func theDeliveryLogPagesWithItsCursor() async throws {
        let pnpe = try await PNPEFixture()
        let receiver = try await WebhookReceiver()
        defer { Task { await pnpe.stop(); await receiver.stop() } }
        let endpoint = try await pnpe.register(receiver, events: ["payment.created"])
        for _ in 0..<3 { _ = try await pnpe.createPayment() }
        try await PNPEFixture.waitUntil { receiver.deliveries.count == 3 }
        let path = "/v1/webhook_endpoints/\(endpoint)/deliveries"
        let first = try await pnpe.call(.GET, path + "?limit=2")
        guard case .array(let page)? = first["data"], case .string(let last)? = page.last?["id"] else { throw TestFailure("no page") }
        #expect(page.count == 2 && first["has_more"] == .bool(true))
        let rest = try await pnpe.call(.GET, path + "?limit=2&starting_after=\(last)")
        guard case .array(let tail)? = rest["data"] else { throw TestFailure("no second page") }
        #expect(tail.count == 1 && rest["has_more"] == .bool(false))
        #expect(!page.contains { $0["id"] == tail.first?["id"] })
        let unknown = try await pnpe.call(.GET, path + "?starting_after=dlv_unknown")
        #expect(unknown.status == 404 && unknown.errorParam == "starting_after")
    }

    @Test func retriesFollowTheScheduleOnTheVirtualClock() async throws {
        let pnpe = try await PNPEFixture()
        let receiver = try await WebhookReceiver { _ in 500 }
        defer { Task { await pnpe.stop(); await receiver.stop() } }
        let endpoint = try await pnpe.register(receiver, events: ["payment.canceled"])
        let id = try await pnpe.createPayment()
        _ = try await pnpe.call(.POST, "/v1/payments/\(id)/cancel")
        try await receiver.waitFor("payment.canceled")
        try await pnpe.waitForPendingRetry()
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":9}"#)
        #expect(receiver.deliveries.count == 1)
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":1}"#)
        #expect(receiver.deliveries.count == 2)
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":25200}"#)
        #expect(receiver.deliveries.count == 7)
        #expect(receiver.deliveries.map(\.attempt) == Array(1...7))
        let log = try await pnpe.call(.GET, "/v1/webhook_endpoints/\(endpoint)/deliveries")
        guard case .array(let entries)? = log["data"], let delivery = entries.first else { throw TestFailure("no log") }
        #expect(delivery["status"] == .string("failed"))
        guard case .array(let attempts)? = delivery["attempts"], case .string(let created)? = delivery["created_at"] else { throw TestFailure("no attempts") }
        let start = try #require(ISO8601DateFormatter().date(from: created))
        let offsets = attempts.compactMap { attempt -> Int? in
            guard case .string(let sent)? = attempt["sent_at"], let date = ISO8601DateFormatter().date(from: sent) else { return nil }
            return Int(date.timeIntervalSince(start))
        }
        #expect(offsets == [0, 10, 60, 300, 1800, 7200, 21600])
        #expect(attempts.allSatisfy { $0["response_status"] == .integer(500) })
    }

    @Test(arguments: ["success_duplicate_webhook", "success_late_webhook", "success_out_of_order", "success_bad_signature_first", "success_webhook_dropped", "wrong_pin_then_ok", "stuck_processing"])
    func misbehavingWebhooks(_ name: String) async throws {
        let scenario = try #require(TestScenario.named(name))
        let pnpe = try await PNPEFixture()
        let receiver = try await WebhookReceiver()
        defer { Task { await pnpe.stop(); await receiver.stop() } }
        _ = try await pnpe.register(receiver, events: ["payment.processing", "payment.succeeded"])
        let id = try await pnpe.createPayment()
        _ = try await pnpe.collect(id, msisdn: scenario.msisdn!)
        let delay = scenario.delaySeconds ?? 3
        switch scenario.webhook {
        case .duplicate:
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(delay)}")
            try await receiver.waitFor("payment.succeeded", count: 2)
            #expect(Set(receiver.of("payment.succeeded").map(\.eventID)).count == 1)
        case .late:
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(delay + 119)}")
            #expect(try await pnpe.status(id) == "succeeded")
            #expect(receiver.of("payment.succeeded").isEmpty)
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":1}"#)
            try await receiver.waitFor("payment.succeeded")
        case .outOfOrder:
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(delay + 5)}")
            try await receiver.waitFor("payment.processing")
            #expect(receiver.deliveries.map(\.type) == ["payment.succeeded", "payment.processing"])
        case .badSignature:
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(delay)}")
            try await receiver.waitFor("payment.succeeded")
            #expect(receiver.of("payment.succeeded").first?.verified == false)
            try await pnpe.waitForPendingRetry()
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":10}"#)
            try await receiver.waitFor("payment.succeeded", count: 2)
            #expect(receiver.of("payment.succeeded").map(\.verified) == [false, true])
        case .dropped:
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(delay + 600)}")
            #expect(try await pnpe.status(id) == "succeeded")
            try await receiver.waitFor("payment.processing")
            #expect(receiver.of("payment.succeeded").isEmpty)
            #expect(receiver.of("payment.processing").count == 1)
        case .processingTwice:
            try await receiver.waitFor("payment.processing", count: 2)
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: "{\"seconds\":\(delay)}")
            try await receiver.waitFor("payment.succeeded")
        case .none:
            _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":86400}"#)
            #expect(try await pnpe.status(id) == "processing")
            #expect(receiver.deliveries.isEmpty)
        case .normal: break
        }
        #expect(receiver.deliveries.filter { $0.attempt > 1 || scenario.webhook != .badSignature }.allSatisfy { $0.verified })
    }

    @Test func rotationSignsWithBothSecretsDuringTheOverlap() async throws {
        let pnpe = try await PNPEFixture()
        let oldReceiver = try await WebhookReceiver()
        defer { Task { await pnpe.stop(); await oldReceiver.stop() } }
        let endpoint = try await pnpe.register(oldReceiver, events: ["payment.canceled"])
        let rotated = try await pnpe.call(.POST, "/v1/webhook_endpoints/\(endpoint)/rotate_secret", json: #"{"expire_old_in":3600}"#)
        let newSecret = try #require(rotated.string("secret"))
        #expect(rotated.string("previous_secret_expires_at") != nil)
        let first = try await pnpe.createPayment()
        _ = try await pnpe.call(.POST, "/v1/payments/\(first)/cancel")
        try await oldReceiver.waitFor("payment.canceled")
        let header = try #require(oldReceiver.deliveries.first?.signatureHeader)
        #expect(header.components(separatedBy: "v1=").count == 3)
        #expect(oldReceiver.deliveries.first?.verified == true)
        let body = Array(try #require(oldReceiver.deliveries.first?.body).utf8)
        #expect(WebhookSignature.verify(header: header, body: body, secret: newSecret, now: Date()))
        _ = try await pnpe.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":3600}"#)
        let second = try await pnpe.createPayment()
        _ = try await pnpe.call(.POST, "/v1/payments/\(second)/cancel")
        try await oldReceiver.waitFor("payment.canceled", count: 2)
        let later = try #require(oldReceiver.of("payment.canceled").last)
        #expect(later.signatureHeader.components(separatedBy: "v1=").count == 2)
        #expect(WebhookSignature.verify(header: later.signatureHeader, body: Array(later.body.utf8), secret: newSecret, now: Date()))
        #expect(!later.verified || oldReceiver.deliveries.count > 2)
    }

    @Test func redeliveryTestEventsAndGone() async throws {
        let pnpe = try await PNPEFixture()
        let receiver = try await WebhookReceiver()
        defer { Task { await pnpe.stop(); await receiver.stop() } }
        let endpoint = try await pnpe.register(receiver, events: ["payment.created"])
        _ = try await pnpe.createPayment()
        try await receiver.waitFor("payment.created")
        let eventID = try #require(receiver.deliveries.first?.eventID)
        let again = try await pnpe.call(.POST, "/v1/events/\(eventID)/redeliver", json: "{}")
        #expect(again.status == 201)
        try await receiver.waitFor("payment.created", count: 2)
        #expect(receiver.of("payment.created").map(\.eventID) == [eventID, eventID])
        let test = try await pnpe.call(.POST, "/v1/webhook_endpoints/\(endpoint)/test", json: #"{"type":"refund.succeeded"}"#)
        #expect(test.status == 201)
        try await receiver.waitFor("refund.succeeded")
        let listed = try await pnpe.call(.GET, "/v1/events?type=payment.created")
        guard case .array(let events)? = listed["data"] else { throw TestFailure("no events") }
        #expect(events.count == 1)

        let gone = try await WebhookReceiver { _ in 410 }
        defer { Task { await gone.stop() } }
        let goneEndpoint = try await pnpe.register(gone, events: ["payment.created"])
        _ = try await pnpe.createPayment()
        try await gone.waitFor("payment.created")
        try await PNPEFixture.waitUntil { try await pnpe.call(.GET, "/v1/webhook_endpoints/\(goneEndpoint)")["disabled"] == .bool(true) }
        let deleted = try await pnpe.call(.DELETE, "/v1/webhook_endpoints/\(endpoint)")
        #expect(deleted.status == 200)
        #expect(try await pnpe.call(.GET, "/v1/webhook_endpoints/\(endpoint)").status == 404)
    }

    @Test func restartResumesPendingDeliveries() async throws {
        let first = try await PNPEFixture()
        let port = try PortProbe_freePort()
        let receiverURL = "http://127.0.0.1:\(port)/hooks/pnpe"
        let endpoint = try await first.call(.POST, "/v1/webhook_endpoints", json: "{\"url\":\"\(receiverURL)\",\"events\":[\"payment.canceled\"]}")
        let secret = try #require(endpoint.string("secret"))
        var ids: [String] = []
        for _ in 0..<3 {
            let id = try await first.createPayment()
            _ = try await first.call(.POST, "/v1/payments/\(id)/cancel")
            ids.append(id)
        }
        // Nobody listens yet: every first attempt fails, a retry is pending.
        try await PNPEFixture.waitUntil {
            try await first.call(.GET, "/v1/webhook_endpoints/\(endpoint.string("id")!)/deliveries").text.components(separatedBy: "connection_refused").count > 3
        }
        await first.stop()
        let directory = first.directory

        let receiver = try await WebhookReceiver(port: port)
        receiver.trust(secret)
        defer { Task { await receiver.stop() } }
        let second = try await PNPEFixture(directory: directory)
        defer { Task { await second.stop() } }
        #expect(receiver.deliveries.isEmpty)
        _ = try await second.call(.POST, "/v1/test_helpers/clock/advance", json: #"{"seconds":10}"#)
        try await receiver.waitFor("payment.canceled", count: 3)
        #expect(receiver.deliveries.allSatisfy { $0.verified })
        #expect(receiver.deliveries.allSatisfy { $0.attempt == 2 })
        let paid = receiver.deliveries.compactMap { delivery -> String? in
            guard case .string(let id)? = (try? JSONParser.parse(Array(delivery.body.utf8)))?["data"]?["object"]?["id"] else { return nil }
            return id
        }
        #expect(Set(paid) == Set(ids))
    }

    @Test func liveStream() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let lines = LinesCollector()
        let reader = Task {
            var request = HTTPClientRequest(url: pnpe.baseURL + "/v1/events/stream")
            request.headers.add(name: "Authorization", value: "Bearer \(PNPEFixture.key)")
            let response = try await PNPEFixture.client.execute(request, timeout: .seconds(30))
            for try await chunk in response.body { lines.append(String(buffer: chunk)) }
        }
        defer { reader.cancel() }
        try await PNPEFixture.waitUntil { lines.text.contains("signing_secret") }
        let id = try await pnpe.createPayment()
        try await PNPEFixture.waitUntil { lines.text.contains("event: payment.created") }
        #expect(lines.text.contains(DemoMerchant.listenSecret))
        #expect(lines.text.contains("\"id\":\"\(id)\""))
    }

    @Test func signatureDebugger() async throws {
        let pnpe = try await PNPEFixture()
        let receiver = try await WebhookReceiver()
        defer { Task { await pnpe.stop(); await receiver.stop() } }
        let endpoint = try await pnpe.register(receiver, events: ["payment.created"])
        _ = try await pnpe.createPayment()
        try await receiver.waitFor("payment.created")
        let delivered = try #require(receiver.deliveries.first)
        let header = delivered.signatureHeader
        func verify(payload: String, header: String, extra: String = "") async throws -> String? {
            let json = "{\"payload\":\(JSONString.quote(payload)),\"header\":\(JSONString.quote(header)),\"endpoint_id\":\"\(endpoint)\"\(extra)}"
            return try await pnpe.call(.POST, "/v1/test_helpers/webhook_signature/verify", json: json).string("diagnosis")
        }
        #expect(try await verify(payload: delivered.body, header: header) == "valid")
        #expect(try await verify(payload: delivered.body, header: "v1=abc") == "missing_timestamp")
        let t = header.split(separator: ",")[0]
        #expect(try await verify(payload: delivered.body, header: "\(t),s=abc") == "missing_signature")
        let parsed = try JSONParser.parse(Array(delivered.body.utf8))
        let pretty = String(decoding: try APIEncoding.encoder.encode(EncodableJSON(parsed)), as: UTF8.self)
        #expect(try await verify(payload: pretty, header: header) == "body_reserialised")
        #expect(try await verify(payload: delivered.body, header: "\(t),v1=" + String(repeating: "0", count: 64)) == "wrong_secret")
        let secretReply = try await pnpe.call(.POST, "/v1/webhook_endpoints/\(endpoint)/rotate_secret", json: #"{"expire_old_in":0}"#)
        let secret = try #require(secretReply.string("secret"))
        let timestamp = Int64(t.dropFirst(2))!
        let base64 = Data(WebhookSignature.mac(secret: secret, timestamp: timestamp, body: Array(delivered.body.utf8))).base64EncodedString()
        #expect(try await verify(payload: delivered.body, header: "\(t),v1=\(base64)") == "signature_base64_not_hex")
        let bodyOnly = Hex.encode(HMAC.authenticationCode(for: Array(delivered.body.utf8), key: Array(secret.utf8)), uppercase: false)
        #expect(try await verify(payload: delivered.body, header: "\(t),v1=\(bodyOnly)") == "timestamp_not_signed")
        let old = WebhookSignature.header(secrets: [secret], timestamp: timestamp - 3600, body: Array(delivered.body.utf8))
        #expect(try await verify(payload: delivered.body, header: old) == "timestamp_outside_tolerance")
    }
}

final class LinesCollector: Sendable {
    private let storage = Mutex<String>("")
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}

func PortProbe_freePort() throws -> Int { try PortProbe.freePort() }
