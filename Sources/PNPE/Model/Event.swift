import HTTPTypes
import Foundation

/// An event as stored and delivered: its raw JSON body is kept byte for byte, because the webhook
/// signature covers exactly those bytes.
public struct EventRecord: Sendable, Equatable {
    public var id: String
    public var type: String
    public var merchantID: String
    public var objectID: String
    public var createdAt: Date
    public var body: String
}

/// The event envelope (Stripe-style `data.object`), encoded once when the event happens.
struct EventEnvelope<Object: Encodable>: Encodable {
    let id: String
    let type: String
    let createdAt: Date
    let merchantID: String
    let object: Object
    let previousAttributes: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, type, livemode, data
        case apiVersion = "api_version"
        case createdAt = "created_at"
        case merchantID = "merchant_id"
    }

    enum DataKeys: String, CodingKey {
        case object
        case previousAttributes = "previous_attributes"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode("event", forKey: .object)
        try container.encode(type, forKey: .type)
        try container.encode("2025-01-01", forKey: .apiVersion)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(false, forKey: .livemode)
        var data = container.nestedContainer(keyedBy: DataKeys.self, forKey: .data)
        try data.encode(object, forKey: .object)
        try data.encode(previousAttributes, forKey: .previousAttributes)
    }
}

/// Every event type the platform emits (one per transition, reference §3.3).
public enum EventType {
    public static let all = [
        "payment.created", "payment.processing", "payment.succeeded", "payment.failed", "payment.expired", "payment.canceled",
        "payment.partially_refunded", "payment.refunded", "refund.created", "refund.succeeded", "refund.failed", "settlement.paid",
    ]

    /// Whether an endpoint filter (`*`, `payment.*` or an exact type) selects `type`.
    static func matches(filter: String, type: String) -> Bool {
        if filter == "*" { return true }
        if filter.hasSuffix(".*") { return type.hasPrefix(String(filter.dropLast())) }
        return filter == type
    }
}
