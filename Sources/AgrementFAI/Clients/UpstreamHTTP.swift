import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// An answer from another system, whatever its status.
struct UpstreamReply: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first(name: name) }
    var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as JSON, or nil when it is not.
    func json<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(T.self, from: Data(body)) }
}

/// The other system could not be reached or did not answer in time: nothing was decided there (or we
/// cannot know), so the caller keeps its state and lets the person retry.
struct UpstreamError: Error, Sendable, CustomStringConvertible {
    /// Which system: `ss-arcep`, `PNPE`, `PKI`.
    let system: String
    let url: String
    let reason: String
    var description: String { "\(system) (\(url)) did not answer: \(reason)" }
}

/// The one place the e-service sends HTTP requests. It never follows redirects: an answer is read as it is.
struct UpstreamHTTP: Sendable {
    /// The longest a request may take, connection included (a closed port is retried until then).
    let timeout: TimeAmount

    init(timeout: Duration) {
        self.timeout = .nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
    }

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    func send(
        _ method: HTTPMethod, _ url: String, system: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws(UpstreamError) -> UpstreamReply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await Self.client.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return UpstreamReply(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
        } catch {
            throw UpstreamError(system: system, url: url, reason: "\(error)")
        }
    }

    /// `text` with everything but unreserved characters percent-encoded: safe in a path segment or a
    /// query value (`RB/COT/24 B 00042` → `RB%2FCOT%2F24%20B%2000042`).
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}
