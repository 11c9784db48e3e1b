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

extension EventRecord {
    /// A new event with its envelope (Stripe-style `data.object`). The envelope is written as text around
    /// the object's JSON, already encoded for storage, so an object is encoded once per event rather
    /// than twice. Keys come in sorted order, like every other stored JSON text.
    init(
        id: String, type: String, merchantID: String, objectID: String, createdAt: Date, objectJSON: String,
        previousAttributes: [String: String]?
    ) throws {
        let previous = try previousAttributes.map { try PNPEJSON.text($0) } ?? "null"
        let body =
            #"{"api_version":"2025-01-01","created_at":\#(try PNPEJSON.text(createdAt)),"data":{"object":\#(objectJSON),"#
            + #""previous_attributes":\#(previous)},"id":\#(JSONString.quote(id)),"livemode":false,"#
            + #""merchant_id":\#(JSONString.quote(merchantID)),"object":"event","type":\#(JSONString.quote(type))}"#
        self.init(id: id, type: type, merchantID: merchantID, objectID: objectID, createdAt: createdAt, body: body)
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
