import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PNPE
import SandboxCore
import Synchronization
import Testing
@testable import SandboxCLI

/// `sandbox up` serves the PNPE on its port, and the `sandbox pnpe` commands talk to it.
@Suite("sandbox pnpe commands")
struct PNPECLITests {
    @Test func paymentsEventsReportAndListen() async throws {
        let sandbox = try await RunningSandbox()
        let pnpe = sandbox.configuration.baseURL(.pnpe)
        let auth = ("Authorization", "Bearer \(DemoMerchant.secretKey)")
        let (status, body) = try await sandbox.post(
            pnpe + "/v1/payments", headers: [auth, ("Content-Type", "application/json")],
            body: #"{"amount":25000,"merchant_reference":"CLI-1","collect":{"method":"mtn_momo","msisdn":"+2290100000000"}}"#)
        #expect(status == 202, "\(body)")
        let id = try #require((try JSONParser.parse(Array(body.utf8)))["id"].flatMap { if case .string(let id) = $0 { id } else { nil } })
        let (page, html) = try await sandbox.get(pnpe + "/checkout/ck_nothing")
        #expect(page == 404 && html.contains("Lien de paiement inconnu"))

        let options = ["--pnpe-url", pnpe]
        try await runCommand(PNPEPaymentsCommand.self, options)
        try await runCommand(PNPEPaymentsCommand.self, options + [id, "--json"])
        try await runCommand(PNPEScenariosCommand.self, options)
        try await runCommand(PNPEEventsCommand.self, options + ["--type", "payment.created"])
        try await runCommand(PNPERefundsCommand.self, options + ["--payment", id])
        try await runCommand(PNPEReportCommand.self, options + ["--csv"])
        try await runCommand(PNPEReportCommand.self, options)
        await #expect(throws: CLIError.self) { try await runCommand(PNPEPaymentsCommand.self, options + ["pay_missing"]) }
        await #expect(throws: CLIError.self) { try await runCommand(PNPEEventsCommand.self, options + ["--key", "sk_test_wrong"]) }

        // listen: events reach a local receiver, signed with the listen secret, with no tunnel.
        let received = Mutex<[(String, String)]>([])
        let port = try PortProbe.freePort()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            received.withLock { $0.append((request.headers[HTTPField.Name("PNPE-Signature")!] ?? "", String(buffer: bytes))) }
            return .ok
        }
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        let receiverTask = Task { try await receiver.runService() }
        let listen = Task { try await runCommand(PNPEListenCommand.self, options + ["--forward-to", "http://127.0.0.1:\(port)/hook", "--events", "payment.*"]) }
        let deadline = Date().addingTimeInterval(20)
        var created = false
        while Date() < deadline, received.withLock({ $0.isEmpty }) {
            try await Task.sleep(for: .milliseconds(100))
            if !created {
                _ = try await sandbox.post(pnpe + "/v1/payments", headers: [auth, ("Content-Type", "application/json")], body: #"{"amount":1000}"#)
                created = true
            }
        }
        listen.cancel()
        receiverTask.cancel()
        let first = try #require(received.withLock { $0.first })
        #expect(first.1.contains("\"type\":\"payment.created\""))
        #expect(WebhookSignature.verify(header: first.0, body: Array(first.1.utf8), secret: DemoMerchant.listenSecret, now: Date()))
        await sandbox.stop()
    }
}
