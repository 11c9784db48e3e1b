import HTTPTypes
import Foundation

/// A fault rule (reference §4.8): when a request or a webhook matches, do something bad to it, at most
/// `times` times. Rules are per merchant and ordered by priority (highest first), then age.
public struct FaultRule: Sendable, Codable, Equatable {
    public struct Match: Sendable, Codable, Equatable {
        /// `payments.create`, `payments.collect`, `payments.get`, `payments.list`, `payments.cancel`,
        /// `refunds.create`, `webhook.deliver`; nil matches every operation.
        public var operation: String?
        public var method: String?
        public var msisdn: String?
        public var amountGte: Int64?
        public var amountLte: Int64?
        public var eventType: String?

        enum CodingKeys: String, CodingKey {
            case operation, method, msisdn
            case amountGte = "amount_gte"
            case amountLte = "amount_lte"
            case eventType = "event_type"
        }
    }

    public struct Action: Sendable, Codable, Equatable {
        public var type: ActionType
        /// http_error: the status (400–599) and error code.
        public var status: Int?
        public var code: String?
        /// http_error, rate_limit: seconds in `Retry-After`.
        public var retryAfter: Int?
        /// latency: milliseconds added before the answer.
        public var milliseconds: Int?
        /// timeout: seconds to hold the request before answering 504; webhook delay: seconds added.
        public var seconds: Int?
        /// outcome: the forced final status (`succeeded`, `failed`, `expired`) and failure code.
        public var outcome: String?
        public var failureCode: String?
        /// webhook: `drop`, `duplicate`, `delay` or `bad_signature`.
        public var webhook: String?

        enum CodingKeys: String, CodingKey {
            case type, status, code, milliseconds, seconds, outcome, webhook
            case retryAfter = "retry_after"
            case failureCode = "failure_code"
        }
    }

    public enum ActionType: String, Sendable, Codable, CaseIterable {
        case httpError = "http_error"
        case latency
        case timeout
        case rateLimit = "rate_limit"
        case outcome
        case webhook
    }

    public var id: String
    public var object = "fault_rule"
    public var description: String?
    public var match: Match
    public var action: Action
    /// How many times the rule may still fire; nil means without limit.
    public var remaining: Int?
    public var times: Int?
    public var priority: Int
    public var hits: Int
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, object, description, match, action, remaining, times, priority, hits
        case createdAt = "created_at"
    }

    func matches(_ facts: FaultFacts) -> Bool {
        if let operation = match.operation, operation != facts.operation { return false }
        if let method = match.method, method != facts.method { return false }
        if let msisdn = match.msisdn, msisdn != facts.msisdn { return false }
        if let gte = match.amountGte, (facts.amount ?? Int64.min) < gte { return false }
        if let lte = match.amountLte, (facts.amount ?? Int64.max) > lte { return false }
        if let type = match.eventType, !EventType.matches(filter: type, type: facts.eventType ?? "") { return false }
        return true
    }
}

/// What a fault rule can match on: the operation and what is known of the payment at that point.
struct FaultFacts: Sendable {
    var operation: String
    var method: String?
    var msisdn: String?
    var amount: Int64?
    var eventType: String?
}
