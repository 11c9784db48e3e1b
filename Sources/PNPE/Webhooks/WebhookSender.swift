import HTTPTypes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends webhook requests. Redirects are not followed (a 3xx is a failed delivery) and a refused
/// connection fails at once rather than being retried inside the client: the retry schedule is the
/// platform's, on the merchant's clock.
final class WebhookSender: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var bodyExcerpt: String
    }

    let timeoutSeconds: Int64

    init(timeoutSeconds: Int64) { self.timeoutSeconds = timeoutSeconds }

    /// One client for the whole process, like `HTTPClient.shared`: it lives as long as the process, so
    /// no platform has to remember to shut it down. Timeouts are given per request.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    private var client: HTTPClient { Self.client }

    func post(url: String, headers: [(String, String)], body: [UInt8]) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
        // Only an excerpt is kept: a receiver's error page can be large.
        var collected = ByteBuffer()
        for try await var chunk in response.body {
            if collected.readableBytes < 2048 { collected.writeBuffer(&chunk) }
        }
        var replyHeaders: [String: String] = [:]
        for header in response.headers { replyHeaders[header.name] = header.value }
        let excerpt = String(decoding: collected.readableBytesView.prefix(2048), as: UTF8.self)
        return Reply(status: Int(response.status.code), headers: replyHeaders, bodyExcerpt: excerpt)
    }
}
