import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 9457 problem: the error type of every sandbox API. It always names what is wrong and, where a
/// request field is at fault, which one, so that a trainee can fix the request without reading our code.
public struct Problem: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public struct FieldError: Codable, Sendable, Hashable {
        public let field: String
        public let message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var status: HTTPResponse.Status
    /// A URI naming the kind of problem.
    public var type: String
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    /// More members of the problem object (RFC 9457 §3.2).
    public var extensions: [String: String]
    /// Extra response headers (e.g. `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status, slug: String, title: String, detail: String,
        errors: [FieldError] = [], extensions: [String: String] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = "https://interop-sandbox.invalid/problems/\(slug)"
        self.title = title
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    public var description: String { "\(status.code) \(title): \(detail)" }

    public static func badRequest(field: String, detail: String) -> Problem {
        Problem(status: .badRequest, slug: "invalid-request", title: "Invalid request", detail: "\(field): \(detail)",
                errors: [FieldError(field: field, message: detail)])
    }

    public static func unauthorized(detail: String) -> Problem {
        Problem(status: .unauthorized, slug: "unauthorized", title: "Admin token required", detail: detail,
                headers: [.wwwAuthenticate: "Bearer realm=\"sandbox\""])
    }

    public static func forbidden(detail: String) -> Problem {
        Problem(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: detail)
    }

    public static func notFound(what: String, id: String) -> Problem {
        Problem(status: .notFound, slug: "not-found", title: "Not found", detail: "no \(what) \(id)")
    }

    public static func conflict(detail: String) -> Problem {
        Problem(status: .conflict, slug: "conflict", title: "Conflict", detail: detail)
    }

    public static func payloadTooLarge(limit: Int) -> Problem {
        Problem(status: .contentTooLarge, slug: "payload-too-large", title: "Request body too large",
                detail: "the request body exceeds \(limit) bytes", errors: [FieldError(field: "body", message: "larger than \(limit) bytes")])
    }

    public static func unsupportedMediaType(expected: [String], got: String?) -> Problem {
        Problem(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported content type",
                detail: "send Content-Type: \(expected.joined(separator: " or ")) (got \(got ?? "none"))",
                errors: [FieldError(field: "Content-Type", message: "expected \(expected.joined(separator: " or "))")])
    }

    public static func `internal`(detail: String) -> Problem {
        Problem(status: .internalServerError, slug: "internal-error", title: "Internal error", detail: detail)
    }

    /// Renders the problem as `application/problem+json`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: ProblemValue] = [
            "type": .string(type), "title": .string(title), "status": .number(Int(status.code)),
            "detail": .string(detail), "instance": .string(request.uri.path),
        ]
        if !errors.isEmpty { object["errors"] = .fields(errors) }
        if let sandbox = context as? SandboxRequestContext { object["requestId"] = .string(sandbox.requestID) }
        for (key, value) in extensions where object[key] == nil { object[key] = .string(value) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(object))))
    }
}

/// The members of a problem object, so it encodes as one flat JSON object.
private enum ProblemValue: Encodable {
    case string(String)
    case number(Int)
    case fields([Problem.FieldError])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .fields(let value): try container.encode(value)
        }
    }
}
