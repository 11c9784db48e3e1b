import HTTPTypes
import Foundation
import Logging
import SandboxCore
import Synchronization

/// The PNPE's domain: merchants, payments and their state machine, refunds, events and their webhook
/// outbox, the per-merchant clocks and the jobs they drive. Plain Swift over SQLite, so it can be tested
/// without a socket; the routes are a thin layer on top.
public final class PaymentPlatform: Sendable {
    public let configuration: PNPEConfiguration
    let database: Database
    let clocks: MerchantClocks
    let logger: Logger
    let broadcaster = EventBroadcaster()
    let sender: WebhookSender
    /// Merchants by secret key: every API call authenticates, so this is kept in memory.
    private let merchantsByKey = Mutex<[String: Merchant]>([:])
    /// Merchants whose clock is being advanced: the background worker leaves their jobs to the advance,
    /// which runs them in time order.
    let advancing = Mutex<Set<String>>([])
    /// Merchants that may have fault rules (see ``hasFaults(merchantID:)``); loaded at start.
    let mayHaveFaults = Mutex<Set<String>>([])
    /// Wakes the worker as soon as a job is due now (a webhook to send), rather than at the next poll.
    let wakeUp: AsyncStream<Void>.Continuation
    let wakeUps: AsyncStream<Void>

    /// - Parameter clock: real time for `sandbox up`; tests may pass a ``VirtualClock``.
    public init(configuration: PNPEConfiguration, clock: any SandboxClock = SystemClock(), logger: Logger) throws {
        self.configuration = configuration
        database = try Database(path: configuration.databasePath, migrations: PNPEMigrations.all, backgroundCheckpoints: true)
        clocks = try MerchantClocks(base: clock, database: database)
        self.logger = logger
        sender = WebhookSender(timeoutSeconds: configuration.webhookTimeoutSeconds)
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // Jobs a previous process had started are run again: a webhook may arrive twice, never zero times.
        try database.execute("UPDATE jobs SET state = 'pending' WHERE state = 'running'", [])
        if configuration.seedDemoMerchant { try seedDemoMerchant() }
        let withRules = try database.query("SELECT DISTINCT merchant_id FROM faults", []).map { try $0.string("merchant_id") }
        mayHaveFaults.withLock { $0.formUnion(withRules) }
    }

    /// The real time of the platform (webhook signature timestamps, idempotency expiry).
    var realNow: Date { clocks.base.now() }

    func now(_ merchant: Merchant) throws -> Date { try clocks.now(merchant.id) }

    // MARK: Merchants

    private func seedDemoMerchant() throws {
        guard try database.queryOne("SELECT id FROM merchants WHERE id = ?", [.text(DemoMerchant.id)]) == nil else { return }
        let merchant = Merchant(
            id: DemoMerchant.id, name: DemoMerchant.name, trainee: nil, publicKey: DemoMerchant.publicKey, secretKey: DemoMerchant.secretKey,
            listenSecret: DemoMerchant.listenSecret, defaultDelaySeconds: 3, createdAt: realNow.wholeSeconds)
        try insert(merchant)
    }

    private func insert(_ merchant: Merchant) throws {
        try database.execute(
            "INSERT INTO merchants (id, secret_key, public_key, created_ms, body) VALUES (?, ?, ?, ?, ?)",
            [.text(merchant.id), .text(merchant.secretKey), .text(merchant.publicKey), .integer(merchant.createdAt.milliseconds), .text(try PNPEJSON.text(merchant))])
    }

    /// Creates a merchant with fresh keys (one per trainee in a lab).
    public func createMerchant(name: String, trainee: String?, defaultDelaySeconds: Int = 3) throws -> Merchant {
        let suffix = Identifier.random(prefix: "x", bytes: 15).dropFirst(2).lowercased()
        let merchant = Merchant(
            id: Identifier.random(prefix: "mch", bytes: 8), name: name, trainee: trainee, publicKey: "pk_test_" + suffix,
            secretKey: "sk_test_" + Identifier.random(prefix: "x", bytes: 20).dropFirst(2).lowercased(),
            listenSecret: "whsec_" + Identifier.random(prefix: "x", bytes: 20).dropFirst(2).lowercased(),
            defaultDelaySeconds: defaultDelaySeconds, createdAt: realNow.wholeSeconds)
        try insert(merchant)
        return merchant
    }

    public func merchants() throws -> [Merchant] {
        try database.query("SELECT body FROM merchants ORDER BY created_ms, id", []).map { try PNPEJSON.decode(Merchant.self, try $0.string("body")) }
    }

    public func merchant(id: String) throws -> Merchant? {
        try database.queryOne("SELECT body FROM merchants WHERE id = ?", [.text(id)]).map { try PNPEJSON.decode(Merchant.self, try $0.string("body")) }
    }

    /// The merchant a secret key belongs to, or nil.
    func merchant(secretKey: String) throws -> Merchant? {
        if let cached = merchantsByKey.withLock({ $0[secretKey] }) { return cached }
        guard let row = try database.queryOne("SELECT body FROM merchants WHERE secret_key = ?", [.text(secretKey)]) else { return nil }
        let merchant = try PNPEJSON.decode(Merchant.self, try row.string("body"))
        merchantsByKey.withLock { $0[secretKey] = merchant }
        return merchant
    }

    /// The merchant whose public key (checkout pages) this is, or nil.
    func merchant(publicKey: String) throws -> Merchant? {
        try database.queryOne("SELECT body FROM merchants WHERE public_key = ?", [.text(publicKey)]).map { try PNPEJSON.decode(Merchant.self, try $0.string("body")) }
    }
}
