import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SandboxCore
import Synchronization
@testable import PNPE

/// A merchant's webhook receiver on a free port: it verifies each delivery's signature on the raw body
/// with the secrets it was given, answers 200 when it verifies and 400 when not (or the status `answer`
/// chooses), and records everything.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let eventID: String
        let type: String
        let attempt: Int
        let signatureHeader: String
        let body: String
        let verified: Bool
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)/hooks/pnpe" }
    private let secrets = Mutex<[String]>([])
    private let received = Mutex<[Received]>([])
    private let answer: @Sendable (Received) -> Int
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)

    init(port: Int? = nil, answer: @escaping @Sendable (Received) -> Int = { $0.verified ? 200 : 400 }) async throws {
        self.port = try port ?? PortProbe.freePort()
        self.answer = answer
        try await start()
    }

    func start() async throws {
        let router = Router()
        router.post("hooks/pnpe") { request, _ -> Response in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let header = request.headers[HTTPField.Name("PNPE-Signature")!] ?? ""
            let verified = self.secrets.withLock { $0 }.contains { WebhookSignature.verify(header: header, body: bytes, secret: $0, now: Date()) }
            let parsed = try? JSONParser.parse(bytes)
            var eventID = ""
            var type = ""
            if case .string(let id)? = parsed?["id"] { eventID = id }
            if case .string(let kind)? = parsed?["type"] { type = kind }
            let attempt = Int(request.headers[HTTPField.Name("PNPE-Delivery-Attempt")!] ?? "0") ?? 0
            let record = Received(eventID: eventID, type: type, attempt: attempt, signatureHeader: header, body: String(decoding: bytes, as: UTF8.self), verified: verified)
            self.received.withLock { $0.append(record) }
            return Response(status: .init(code: self.answer(record)))
        }
        router.get("health") { _, _ in "ok" }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: PNPEFixture.logger)
        task.withLock { $0 = Task { try await application.runService() } }
        try await PNPEFixture.waitUntil { (try? await PNPEFixture.send(.GET, "http://127.0.0.1:\(self.port)/health"))?.status == 200 }
    }

    func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        _ = try? await running?.value
    }

    func trust(_ secret: String) { secrets.withLock { $0.append(secret) } }
    var deliveries: [Received] { received.withLock { $0 } }
    func of(_ type: String) -> [Received] { deliveries.filter { $0.type == type } }

    func waitFor(_ type: String, count: Int = 1) async throws {
        try await PNPEFixture.waitUntil { self.of(type).count >= count }
    }
}

extension PNPEFixture {
    /// Registers `receiver` as a webhook endpoint and makes it trust the secret; returns the endpoint id.
    func register(_ receiver: WebhookReceiver, events: [String] = ["*"], policy: String = "pnpe") async throws -> String {
        let filters = events.map { "\"\($0)\"" }.joined(separator: ",")
        let reply = try await call(.POST, "/v1/webhook_endpoints", json: "{\"url\":\"\(receiver.url)\",\"events\":[\(filters)],\"retry_policy\":\"\(policy)\"}")
        guard reply.status == 201, let secret = reply.string("secret"), let id = reply.string("id") else { throw TestFailure("endpoint: \(reply.text)") }
        receiver.trust(secret)
        return id
    }
}
