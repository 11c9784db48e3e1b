import Foundation
import HTTPTypes
import Hummingbird

/// The PNPE's documented error object (`{"error":{"type","code","message","param","request_id"}}`), as the
/// payment APIs trainees meet (Stripe, FedaPay) answer. It names the field at fault whenever there is one.
public struct PNPEError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidRequest = "invalid_request_error"
        case authentication = "authentication_error"
        case idempotency = "idempotency_error"
        case rateLimit = "rate_limit_error"
        case api = "api_error"
    }

    public var status: HTTPResponse.Status
    public var kind: Kind
    public var code: String
    public var message: String
    public var param: String?
    /// More members of the error object, such as `existing_payment_id`.
    public var extra: [String: String] = [:]
    public var headers: HTTPFields = [:]
    /// Set when the request already changed something before failing (a payment created, then its collect
    /// refused): its Idempotency-Key must keep this outcome, or a retry would do it all again.
    public var afterSideEffects = false

    public init(
        _ status: HTTPResponse.Status, _ kind: Kind = .invalidRequest, code: String, message: String, param: String? = nil,
        extra: [String: String] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.kind = kind
        self.code = code
        self.message = message
        self.param = param
        self.extra = extra
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// A malformed or out-of-range field.
    public static func invalid(_ param: String, _ message: String, code: String = "parameter_invalid") -> PNPEError {
        PNPEError(.badRequest, code: code, message: "\(param): \(message)", param: param)
    }

    public static func missing(_ param: String) -> PNPEError {
        PNPEError(.badRequest, code: "parameter_missing", message: "\(param) is required", param: param)
    }

    public static func notFound(_ what: String, _ id: String, param: String = "id") -> PNPEError {
        PNPEError(.notFound, code: "resource_missing", message: "no such \(what): \(id.prefix(80))", param: param)
    }

    public static func invalidTransition(from: PaymentStatus, action: String) -> PNPEError {
        PNPEError(
            .conflict, code: "invalid_state_transition",
            message: "cannot \(action) a payment that is \(from.rawValue); allowed next states from \(from.rawValue): "
                + (from.allowedNext.isEmpty ? "none (terminal)" : from.allowedNext.map(\.rawValue).sorted().joined(separator: ", ")),
            param: "status", extra: ["status": from.rawValue])
    }

    /// Renders the error object with the request id, in a stable key order.
    public func response(requestID: String) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.requestID] = requestID
        return Response(status: status, headers: fields, body: .init(byteBuffer: .init(string: bodyText(requestID: requestID))))
    }

    /// The error object as JSON text.
    public func bodyText(requestID: String) -> String {
        var members = [
            "\"type\":\(JSONString.quote(kind.rawValue))", "\"code\":\(JSONString.quote(code))",
            "\"message\":\(JSONString.quote(message))", "\"param\":\(param.map(JSONString.quote) ?? "null")",
            "\"request_id\":\(JSONString.quote(requestID))",
        ]
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { members.append("\(JSONString.quote(key)):\(JSONString.quote(value))") }
        return "{\"error\":{\(members.joined(separator: ","))}}\n"
    }
}

extension HTTPField.Name {
    /// The request id header of the PNPE API (Stripe's name), beside the sandbox's `X-Request-Id`.
    public static let requestID = Self("Request-Id")!
    public static let idempotencyKey = Self("Idempotency-Key")!
    public static let idempotentReplayed = Self("Idempotent-Replayed")!
    public static let testScenario = Self("PNPE-Test-Scenario")!
    public static let pnpeSignature = Self("PNPE-Signature")!
}

/// JSON string quoting for hand-written bodies.
enum JSONString {
    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let control where control.value < 0x20: output += String(format: "\\u%04x", control.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
