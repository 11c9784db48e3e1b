import HTTPTypes
import Foundation

/// The payment object of the API (reference §3.2), also the form in which it is stored. Absent values
/// are written as `null`, so a client sees every field the contract promises.
public struct Payment: Sendable, Codable, Equatable {
    public struct Customer: Sendable, Codable, Equatable {
        public var name: String?
        public var email: String?
        public var msisdn: String?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(email, forKey: .email)
            try container.encode(msisdn, forKey: .msisdn)
        }
    }

    public struct Payer: Sendable, Codable, Equatable {
        public var msisdn: String
        public var `operator`: String
    }

    public struct Settlement: Sendable, Codable, Equatable {
        public var status: String
        public var settlementID: String?
        public var settledAt: Date?

        enum CodingKeys: String, CodingKey {
            case status
            case settlementID = "settlement_id"
            case settledAt = "settled_at"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            try container.encode(settlementID, forKey: .settlementID)
            try container.encode(settledAt, forKey: .settledAt)
        }

        static let unsettled = Settlement(status: "unsettled", settlementID: nil, settledAt: nil)
    }

    /// Sandbox only: which test scenario drives this payment and where it came from
    /// (`msisdn`, `header`, `fault_rule`, `default`, `manual`).
    public struct TestInfo: Sendable, Codable, Equatable {
        public var scenario: String
        public var resolvedFrom: String
        /// How this payment's webhooks misbehave (``TestScenario/Webhook``).
        public var webhook: String

        enum CodingKeys: String, CodingKey {
            case scenario, webhook
            case resolvedFrom = "resolved_from"
        }
    }

    public var id: String
    public var object = "payment"
    public var merchantID: String
    public var livemode = false
    public var status: PaymentStatus
    public var amount: Int64
    public var currency = "XOF"
    public var amountRefunded: Int64 = 0
    public var fee: Int64?
    public var net: Int64?
    public var description: String?
    public var merchantReference: String?
    public var billID: String?
    public var customer: Customer?
    public var methods: [PaymentMethod]
    public var method: PaymentMethod?
    public var payer: Payer?
    public var providerReference: String?
    public var failureCode: String?
    public var failureMessage: String?
    public var checkoutToken: String
    public var checkoutURL: String
    public var returnURL: String?
    public var notifyURL: String?
    public var expiresAt: Date
    public var createdAt: Date
    public var updatedAt: Date
    public var succeededAt: Date?
    public var settlement: Settlement = .unsettled
    public var metadata: [String: String] = [:]
    public var test: TestInfo?

    enum CodingKeys: String, CodingKey {
        case id, object, livemode, status, amount, currency, fee, net, description, customer, methods, method, payer, metadata, test, settlement
        case merchantID = "merchant_id"
        case amountRefunded = "amount_refunded"
        case merchantReference = "merchant_reference"
        case billID = "bill_id"
        case providerReference = "provider_reference"
        case failureCode = "failure_code"
        case failureMessage = "failure_message"
        case checkoutToken = "checkout_token"
        case checkoutURL = "checkout_url"
        case returnURL = "return_url"
        case notifyURL = "notify_url"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case succeededAt = "succeeded_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(livemode, forKey: .livemode)
        try container.encode(status, forKey: .status)
        try container.encode(amount, forKey: .amount)
        try container.encode(currency, forKey: .currency)
        try container.encode(amountRefunded, forKey: .amountRefunded)
        try container.encode(fee, forKey: .fee)
        try container.encode(net, forKey: .net)
        try container.encode(description, forKey: .description)
        try container.encode(merchantReference, forKey: .merchantReference)
        try container.encode(billID, forKey: .billID)
        try container.encode(customer, forKey: .customer)
        try container.encode(methods, forKey: .methods)
        try container.encode(method, forKey: .method)
        try container.encode(payer, forKey: .payer)
        try container.encode(providerReference, forKey: .providerReference)
        try container.encode(failureCode, forKey: .failureCode)
        try container.encode(failureMessage, forKey: .failureMessage)
        try container.encode(checkoutToken, forKey: .checkoutToken)
        try container.encode(checkoutURL, forKey: .checkoutURL)
        try container.encode(returnURL, forKey: .returnURL)
        try container.encode(notifyURL, forKey: .notifyURL)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(succeededAt, forKey: .succeededAt)
        try container.encode(settlement, forKey: .settlement)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(test, forKey: .test)
    }

    /// What the merchant may still refund.
    public var refundable: Int64 { status.collected ? amount - amountRefunded : 0 }
}

/// A refund of all or part of a collected payment.
public struct Refund: Sendable, Codable, Equatable {
    public var id: String
    public var object = "refund"
    public var paymentID: String
    public var merchantID: String
    public var amount: Int64
    public var currency = "XOF"
    /// `pending`, then `succeeded` or `failed`.
    public var status: String
    public var reason: String?
    public var failureCode: String?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, object, amount, currency, status, reason
        case paymentID = "payment_id"
        case merchantID = "merchant_id"
        case failureCode = "failure_code"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(paymentID, forKey: .paymentID)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(amount, forKey: .amount)
        try container.encode(currency, forKey: .currency)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)
        try container.encode(failureCode, forKey: .failureCode)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// A merchant: one per e-service, or one per trainee in a lab. Keys are test keys only.
public struct Merchant: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var trainee: String?
    public var publicKey: String
    public var secretKey: String
    /// Signs what `sandbox pnpe listen` forwards (a `whsec_…` that stays the same across restarts).
    public var listenSecret: String
    /// Seconds before a number outside the catalogue succeeds.
    public var defaultDelaySeconds: Int
    public var createdAt: Date
}
