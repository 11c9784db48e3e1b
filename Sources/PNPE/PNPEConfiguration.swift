import HTTPTypes
import Foundation

/// Everything the PNPE block needs to know about where it lives and how strict it is. Paths and URLs come
/// from here only, so tests run isolated on free ports and containers can point elsewhere.
public struct PNPEConfiguration: Sendable {
    /// The PNPE's own SQLite file, in the data directory (`:memory:` for route tests).
    public var databasePath: String
    /// Written into `checkout_url` and pages, e.g. `http://localhost:8086`.
    public var publicBaseURL: String
    /// Largest request body accepted by the API and the pages.
    public var maxBodyBytes: Int
    /// Accepted amounts, in whole XOF.
    public var minimumAmount: Int64
    public var maximumAmount: Int64
    /// Placeholder fees per method in basis points (150 = 1.5 %); not the real PNPE's fees.
    public var feeBasisPoints: [PaymentMethod: Int64]
    /// How long a webhook receiver has to answer with a 2xx.
    public var webhookTimeoutSeconds: Int64
    /// How long `provider_timeout` makes `collect` hang (35 s by default; tests shorten it).
    public var providerTimeoutSeconds: Double
    /// How often the worker looks for due jobs when nothing woke it.
    public var pollInterval: Duration
    /// Whether the illustrative ARCEP merchant is created on first start.
    public var seedDemoMerchant: Bool

    public init(
        databasePath: String, publicBaseURL: String, maxBodyBytes: Int = 64 * 1024, minimumAmount: Int64 = 100,
        maximumAmount: Int64 = 5_000_000, feeBasisPoints: [PaymentMethod: Int64] = [.mtnMomo: 150, .moovMoney: 150, .celtiisCash: 150],
        webhookTimeoutSeconds: Int64 = 10, providerTimeoutSeconds: Double = 35, pollInterval: Duration = .milliseconds(200),
        seedDemoMerchant: Bool = true
    ) {
        self.databasePath = databasePath
        self.publicBaseURL = publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL
        self.maxBodyBytes = maxBodyBytes
        self.minimumAmount = minimumAmount
        self.maximumAmount = maximumAmount
        self.feeBasisPoints = feeBasisPoints
        self.webhookTimeoutSeconds = webhookTimeoutSeconds
        self.providerTimeoutSeconds = providerTimeoutSeconds
        self.pollInterval = pollInterval
        self.seedDemoMerchant = seedDemoMerchant
    }

    /// The fee on `amount` for `method`, rounded half up to a whole franc.
    func fee(amount: Int64, method: PaymentMethod?) -> Int64 {
        let points = method.flatMap { feeBasisPoints[$0] } ?? 0
        return (amount * points + 5_000) / 10_000
    }
}

/// The illustrative merchant seeded for the sample e-service. Its keys are fixed and published in the
/// docs on purpose: they are sandbox test keys on a loopback server, never real credentials.
public enum DemoMerchant {
    public static let id = "mch_arcep"
    public static let name = "ARCEP Bénin — Agrément FAI (illustratif)"
    public static let publicKey = "pk_test_arcep_sandbox_illustrative"
    public static let secretKey = "sk_test_arcep_sandbox_illustrative"
    public static let listenSecret = "whsec_arcep_listen_sandbox_illustrative"
}
