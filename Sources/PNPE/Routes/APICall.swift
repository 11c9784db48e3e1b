import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// One authenticated API call: the merchant the secret key names, and the body read once (it is both
/// parsed and fingerprinted for idempotency).
struct APICall: Sendable {
    let platform: PaymentPlatform
    let merchant: Merchant
    let request: Request
    let context: SandboxRequestContext
    let body: [UInt8]

    func reader(_ allowed: Set<String>) throws -> BodyReader { try BodyReader(bytes: body, allowed: allowed) }

    func parameter(_ name: String) throws -> String {
        guard let value = context.parameters.get(name), Identifier.isSafe(value, maxLength: 100) else {
            throw PNPEError.notFound(name == "id" ? "object" : name, context.parameters.get(name) ?? "", param: name)
        }
        return value
    }

    func query(_ name: String) -> String? { request.uri.queryParameters.get(name) }

    /// `limit` (1–100, default 10) and `starting_after` of list endpoints.
    func page() throws -> (limit: Int, startingAfter: String?) {
        var limit = 10
        if let text = query("limit") {
            guard let value = Int(text), (1...100).contains(value) else { throw PNPEError.invalid("limit", "must be an integer between 1 and 100") }
            limit = value
        }
        let cursor = query("starting_after")
        if let cursor, !Identifier.isSafe(cursor, maxLength: 100) { throw PNPEError.invalid("starting_after", "must be an object id") }
        return (limit, cursor)
    }
}

/// What a handler answers: a status, a JSON body and extra headers.
struct APIResult: Sendable {
    var status: HTTPResponse.Status
    var body: [UInt8]
    var contentType = "application/json; charset=utf-8"
    var headers: [(HTTPField.Name, String)] = []

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> APIResult {
        APIResult(status: status, body: Array(try APIEncoding.encoder.encode(value)))
    }

    /// A JSON text already encoded (a stored event body).
    static func raw(_ json: String, status: HTTPResponse.Status = .ok) -> APIResult { APIResult(status: status, body: Array(json.utf8)) }

    func response() -> Response {
        var fields: HTTPFields = [.contentType: contentType]
        for (name, value) in headers { fields[name] = value }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A list in the API's shape (`{"object":"list","data":[…],"has_more":…}`).
struct ListPage<Element: Encodable>: Encodable {
    let data: [Element]
    let hasMore: Bool
    let url: String

    enum CodingKeys: String, CodingKey {
        case object, data, url
        case hasMore = "has_more"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("list", forKey: .object)
        try container.encode(data, forKey: .data)
        try container.encode(hasMore, forKey: .hasMore)
        try container.encode(url, forKey: .url)
    }
}

/// A JSON fragment already encoded, placed as-is inside another document (stored event bodies).
struct RawJSON: Encodable {
    let text: String
    func encode(to encoder: any Encoder) throws {
        // Re-decoding keeps the output valid JSON whatever the outer encoder does.
        let value = try JSONParser.parse(Array(text.utf8))
        try EncodableJSON(value).encode(to: encoder)
    }
}

/// Encodes a parsed ``JSONValue`` back to JSON.
struct EncodableJSON: Encodable {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let number): try container.encode(number)
        case .number(let text): try container.encode(Double(text) ?? 0)
        case .string(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements.map(EncodableJSON.init))
        case .object(let members): try container.encode(members.mapValues(EncodableJSON.init))
        }
    }
}

enum APIEncoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
