import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What the CLI needs from HTTP: send bytes, get status, headers and bytes back, and turn sandbox
/// problem documents into readable errors.
struct SandboxHTTPClient: Sendable {
    let baseURL: String
    let token: String?

    struct Reply: Sendable {
        let status: Int
        let contentType: String
        let body: [UInt8]
        var headers: [(String, String)] = []
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// - Parameter path: appended to `baseURL` (give an empty base URL to pass a whole URL).
    /// - Parameter timeout: for the whole exchange; a closed port is retried until then.
    func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = nil, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(30)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw CLIError("cannot reach \(baseURL.isEmpty ? path : baseURL): \(error). Is `sandbox up` running (and on this port offset)?")
        }
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type") ?? "", body: Array(bytes.readableBytesView),
            headers: response.headers.map { ($0.name, $0.value) })
    }

    /// Sends JSON and decodes JSON, throwing the server's problem detail on any non-2xx answer.
    func json<T: Decodable>(_ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<String>.none, as: T.Type) async throws -> (T, Reply) {
        let encoded = try body.map { try JSONEncoder().encode($0) }.map { [UInt8]($0) }
        let reply = try await send(method, path, body: encoded, contentType: encoded == nil ? nil : "application/json")
        try Self.requireSuccess(reply)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try decoder.decode(T.self, from: Data(reply.body)), reply)
    }

    static func requireSuccess(_ reply: Reply) throws {
        guard (200..<300).contains(reply.status) else {
            struct ProblemBody: Decodable {
                let title: String?
                let detail: String?
            }
            let problem = try? JSONDecoder().decode(ProblemBody.self, from: Data(reply.body))
            throw CLIError("HTTP \(reply.status): \(problem?.detail ?? problem?.title ?? String(reply.text.prefix(300)))")
        }
    }
}

/// A failure the CLI reports in one line, without a stack trace.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
