import HTTPTypes
import Foundation

/// A merchant's webhook endpoint. Its secrets are stored with it but never returned after creation or
/// rotation (the secret is shown once).
public struct WebhookEndpoint: Sendable, Codable, Equatable {
    public var id: String
    public var merchantID: String
    public var url: String
    /// Filters: `*`, `payment.*` or exact event types.
    public var events: [String]
    public var description: String?
    public var retryPolicy: RetryPolicy
    public var disabled: Bool
    /// Why the platform disabled it (a `410 Gone`), if it did.
    public var disabledReason: String?
    public var secret: String
    /// The previous secret during a rotation's overlap, and when it stops being used.
    public var previousSecret: String?
    public var previousSecretExpiresAt: Date?
    public var createdAt: Date

    func selects(_ type: String) -> Bool { !disabled && events.contains { EventType.matches(filter: $0, type: type) } }

    /// The secrets to sign with at `now`: the current one, and the previous one during the overlap.
    func signingSecrets(at now: Date) -> [String] {
        if let previousSecret, let expiry = previousSecretExpiresAt, now < expiry { return [secret, previousSecret] }
        return [secret]
    }

    /// The public view: everything but the secrets.
    var publicView: PublicView { PublicView(endpoint: self) }

    struct PublicView: Encodable {
        let endpoint: WebhookEndpoint
        var secret: String?

        enum CodingKeys: String, CodingKey {
            case id, object, url, events, description, disabled, secret
            case retryPolicy = "retry_policy"
            case disabledReason = "disabled_reason"
            case previousSecretExpiresAt = "previous_secret_expires_at"
            case createdAt = "created_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(endpoint.id, forKey: .id)
            try container.encode("webhook_endpoint", forKey: .object)
            try container.encode(endpoint.url, forKey: .url)
            try container.encode(endpoint.events, forKey: .events)
            try container.encode(endpoint.description, forKey: .description)
            try container.encode(endpoint.retryPolicy, forKey: .retryPolicy)
            try container.encode(endpoint.disabled, forKey: .disabled)
            try container.encode(endpoint.disabledReason, forKey: .disabledReason)
            try container.encode(endpoint.previousSecretExpiresAt, forKey: .previousSecretExpiresAt)
            try container.encode(endpoint.createdAt, forKey: .createdAt)
            if let secret { try container.encode(secret, forKey: .secret) }
        }
    }
}

/// When deliveries are attempted, as offsets from the delivery's creation (reference §4.4).
public enum RetryPolicy: String, Sendable, Codable, CaseIterable {
    /// +0, +10 s, +1 min, +5 min, +30 min, +2 h, +6 h, then failed.
    case pnpe
    /// KKiaPay's five retries at 500 ms incremental intervals.
    case kkiapay
    /// Three retries spread over a few hours.
    case stripeSandbox = "stripe_sandbox"
    /// One attempt, as MoMo's callback.
    case none

    public var offsetsMilliseconds: [Int64] {
        switch self {
        case .pnpe: [0, 10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000]
        case .kkiapay: [0, 500, 1_500, 3_000, 5_000, 7_500]
        case .stripeSandbox: [0, 3_600_000, 10_800_000, 21_600_000]
        case .none: [0]
        }
    }
}

/// One event sent to one endpoint, with every attempt (the delivery log).
public struct Delivery: Sendable, Codable, Equatable {
    public struct Attempt: Sendable, Codable, Equatable {
        public var attempt: Int
        public var scheduledAt: Date
        public var sentAt: Date
        public var durationMilliseconds: Int
        public var requestURL: String
        public var requestHeaders: [String: String]
        public var requestBody: String
        public var responseStatus: Int?
        public var responseHeaders: [String: String]?
        public var responseBodyExcerpt: String?
        /// `succeeded`, `failed`, `timeout`, `connection_refused` or `error`.
        public var outcome: String
        public var error: String?
        public var nextRetryAt: Date?

        enum CodingKeys: String, CodingKey {
            case attempt, outcome, error
            case scheduledAt = "scheduled_at"
            case sentAt = "sent_at"
            case durationMilliseconds = "duration_ms"
            case requestURL = "request_url"
            case requestHeaders = "request_headers"
            case requestBody = "request_body"
            case responseStatus = "response_status"
            case responseHeaders = "response_headers"
            case responseBodyExcerpt = "response_body_excerpt"
            case nextRetryAt = "next_retry_at"
        }
    }

    public var id: String
    public var object = "webhook_delivery"
    public var eventID: String
    public var eventType: String
    public var endpointID: String
    public var url: String
    /// `pending`, `succeeded`, `failed` or `canceled`.
    public var status: String
    public var retryPolicy: RetryPolicy
    public var createdAt: Date
    public var nextAttemptAt: Date?
    /// Sandbox faults: sign the first attempt with a wrong secret.
    public var badSignatureFirst: Bool
    /// Created by a manual redelivery or a test event.
    public var manual: Bool
    public var attempts: [Attempt]

    enum CodingKeys: String, CodingKey {
        case id, object, url, status, manual, attempts
        case eventID = "event_id"
        case eventType = "event_type"
        case endpointID = "endpoint_id"
        case retryPolicy = "retry_policy"
        case createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at"
        case badSignatureFirst = "bad_signature_first"
    }
}

/// How the deliveries of one event are planned, after scenarios and fault rules had their say.
struct DeliveryPlan: Sendable, Equatable {
    var copies = 1
    var delaySeconds: Int64 = 0
    var badSignatureFirst = false
    var drop = false

    static let normal = DeliveryPlan()
    static let dropped = DeliveryPlan(drop: true)
}
