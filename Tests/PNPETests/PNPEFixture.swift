import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SandboxCore
import SandboxTesting
@testable import PNPE

/// A PNPE block on a free loopback port with its worker, over a temporary SQLite file.
final class PNPEFixture: Sendable {
    static let adminToken = "test-admin-token-0123456789"
    static let key = DemoMerchant.secretKey

    let directory: TemporaryDirectory
    let platform: PaymentPlatform
    let baseURL: String
    let tasks: [Task<Void, any Error>]

    static let logger: Logger = {
        var logger = Logger(label: "pnpe-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// - Parameter directory: reuse a directory to start again on the same database (restart tests).
    init(directory: TemporaryDirectory? = nil, providerTimeout: Double = 0.2, virtualClock: Bool = true) async throws {
        let directory = try directory ?? TemporaryDirectory("pnpe")
        let port = try PortProbe.freePort()
        baseURL = "http://127.0.0.1:\(port)"
        let configuration = PNPEConfiguration(
            databasePath: directory.path("pnpe.sqlite"), publicBaseURL: baseURL, providerTimeoutSeconds: providerTimeout, pollInterval: .milliseconds(20))
        platform = try PaymentPlatform(configuration: configuration, logger: Self.logger)
        if virtualClock { try platform.clocks.setMode(DemoMerchant.id, .virtual) }
        let application = Application(
            router: PNPERouter.build(platform: platform, adminToken: AdminToken(value: Self.adminToken), logger: Self.logger),
            configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: Self.logger)
        let platform = platform
        tasks = [Task { try await application.runService() }, Task { await platform.runWorker() }]
        self.directory = directory
        try await Self.waitUntil { (try? await Self.send(.GET, self.baseURL + "/health"))?.status == 200 }
    }

    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
    }

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let text: String
        var json: JSONValue { (try? JSONParser.parse(Array(text.utf8))) ?? .null }
        func header(_ name: String) -> String? { headers.first(name: name) }
        subscript(_ path: String) -> JSONValue? {
            var value: JSONValue? = json
            for part in path.split(separator: ".") { value = value?[String(part)] }
            return value
        }
        func string(_ path: String) -> String? { if case .string(let text)? = self[path] { text } else { nil } }
        func int(_ path: String) -> Int64? { if case .integer(let number)? = self[path] { number } else { nil } }
        var errorCode: String? { string("error.code") }
        var errorParam: String? { string("error.param") }
    }

    static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A call to the API with the demo merchant's secret key (or `key`).
    func call(_ method: HTTPMethod, _ path: String, key: String? = PNPEFixture.key, json: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var all = headers
        if let key { all.append(("Authorization", "Bearer \(key)")) }
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try await Self.send(method, baseURL + path, headers: all, body: json)
    }

    /// Creates a payment of `amount` and returns its id.
    func createPayment(amount: Int = 25_000, reference: String? = nil, extra: String = "", key: String = PNPEFixture.key) async throws -> String {
        let referenceJSON = reference.map { ",\"merchant_reference\":\"\($0)\"" } ?? ""
        let reply = try await call(.POST, "/v1/payments", key: key, json: "{\"amount\":\(amount)\(referenceJSON)\(extra)}")
        guard reply.status == 201, let id = reply.string("id") else { throw TestFailure("create failed: \(reply.status) \(reply.text)") }
        return id
    }

    func collect(_ id: String, msisdn: String, method: String = "mtn_momo", headers: [(String, String)] = []) async throws -> Reply {
        try await call(.POST, "/v1/payments/\(id)/collect", json: "{\"method\":\"\(method)\",\"msisdn\":\"\(msisdn)\"}", headers: headers)
    }

    func status(_ id: String) async throws -> String? { try await call(.GET, "/v1/payments/\(id)").string("status") }

    /// Advances the demo merchant's virtual clock, running what comes due.
    func advance(_ seconds: Double, merchantID: String = DemoMerchant.id) async throws {
        guard let merchant = try platform.merchant(id: merchantID) else { throw TestFailure("no merchant") }
        try await platform.advance(merchant: merchant, to: try platform.clocks.now(merchantID).addingTimeInterval(seconds))
    }

    /// Polls until `condition` holds (no fixed sleeps), failing after `seconds`.
    static func waitUntil(seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("condition not met within \(seconds) s")
    }

    /// Waits until a failed delivery attempt has been recorded and its retry scheduled, so that an advance
    /// that follows finds the retry.
    func waitForPendingRetry() async throws {
        try await Self.waitUntil {
            try self.platform.database.queryOne("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'delivery.attempt' AND state = 'pending'", [])?.int("n") ?? 0 > 0
        }
    }

    func waitForStatus(_ id: String, _ status: String) async throws {
        try await Self.waitUntil { try await self.status(id) == status }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
