import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of every sandbox block: Hummingbird's core storage, the request id (set by
/// ``RequestIDMiddleware``), and JSON coding that reports bad input as problems naming the field.
public struct SandboxRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    /// The connection the request came on: the security servers' server side reads the peer's TLS
    /// certificate from it.
    public let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        requestID = Identifier.requestID()
        channel = source.channel
    }

    /// JSON bodies may carry a document to sign (base64); routes that take small inputs set lower limits.
    public var maxUploadSize: Int { 16 * 1024 * 1024 }

    public var requestDecoder: SandboxJSONDecoder { SandboxJSONDecoder() }
    public var responseEncoder: SandboxJSONEncoder { SandboxJSONEncoder() }
}

/// Decodes JSON bodies. A missing field, a wrong type or broken JSON becomes a 400 problem whose `field`
/// is the path of the offending value (`subject.commonName`), and a non-JSON content type a 415.
public struct SandboxJSONDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let contentType = request.headers[.contentType]?.lowercased()
        guard let contentType, contentType.hasPrefix("application/json") || contentType.contains("+json") else {
            throw Problem.unsupportedMediaType(expected: ["application/json"], got: contentType)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem.payloadTooLarge(limit: context.maxUploadSize)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Self.problem(error)
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
            .replacingOccurrences(of: ".[", with: "[")
    }

    /// Turns Foundation's decoding error into a problem a person can act on.
    static func problem(_ error: DecodingError) -> Problem {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .badRequest(field: field, detail: "is required")
        case .typeMismatch(let type, let context):
            return .badRequest(field: path(context.codingPath).isEmpty ? "body" : path(context.codingPath), detail: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .badRequest(field: path(context.codingPath), detail: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty { return .badRequest(field: "body", detail: "is not valid JSON") }
            return .badRequest(field: field, detail: context.debugDescription)
        @unknown default:
            return .badRequest(field: "body", detail: "cannot be decoded")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        case is Date.Type: "an RFC 3339 time, e.g. 2026-11-22T10:00:00Z"
        default: "\(type)".contains("Dictionary") ? "an object" : "\(type)".contains("Array") ? "an array" : "a value of type \(type)"
        }
    }
}

/// Encodes JSON responses: sorted keys, RFC 3339 dates.
public struct SandboxJSONEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(value)
    }
}
