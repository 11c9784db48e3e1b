import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SandboxCore
import SandboxTesting
import Testing

/// The middleware stack every block gets: problems, request ids, body limit, admin auth, JSON decoding.
@Suite("HTTP plumbing")
struct HTTPPlumbingTests {
    struct Payload: Decodable {
        struct Subject: Decodable { let commonName: String }
        let subject: Subject
        let count: Int
    }

    struct Failure: Error {}

    func withApp(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let router = Router<SandboxRequestContext>.sandbox(logger: logger, maxBodyBytes: 1024)
        router.get("bad") { _, _ -> String in throw Problem.badRequest(field: "thing", detail: "is wrong") }
        router.get("crash") { _, _ -> String in throw Failure() }
        router.post("decode") { request, context -> String in
            let payload = try await request.decode(as: Payload.self, context: context)
            return payload.subject.commonName
        }
        router.post("collect") { request, _ -> String in
            let body = try await request.body.collect(upTo: 1024)
            return "\(body.readableBytes)"
        }
        // A handler that collects less than the router's limit: its own overflow must be a 413 too.
        router.post("small") { request, _ -> String in
            let body = try await request.body.collect(upTo: 16)
            return "\(body.readableBytes)"
        }
        router.group("admin").add(middleware: AdminAuthMiddleware(token: AdminToken(value: "secret-token-1234567")))
            .get("thing") { _, _ in "ok" }
        try await Application(router: router, logger: logger).test(.router) { client in try await body(client) }
    }

    func problem(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func problemsAreRFC9457WithTheFieldAndTheRequestID() async throws {
        try await withApp { client in
            try await client.execute(uri: "/bad", method: .get, headers: [.init("X-Request-Id")!: "trace-42"]) { response async throws in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.init("X-Request-Id")!] == "trace-42")
                let body = try problem(response.body)
                #expect(body["status"] as? Int == 400)
                #expect(body["requestId"] as? String == "trace-42")
                #expect(body["instance"] as? String == "/bad")
                #expect((body["errors"] as? [[String: String]])?.first?["field"] == "thing")
                #expect((body["type"] as? String)?.hasPrefix("https://") == true)
            }
        }
    }

    @Test func unsafeIncomingRequestIDsAreReplaced() async throws {
        try await withApp { client in
            try await client.execute(uri: "/bad", method: .get, headers: [.init("X-Request-Id")!: "<script>"]) { response async throws in
                let id = try #require(response.headers[.init("X-Request-Id")!])
                #expect(id.hasPrefix("req_"))
            }
        }
    }

    @Test func unknownRoutesAndUnexpectedErrorsAreProblemsToo() async throws {
        try await withApp { client in
            try await client.execute(uri: "/nowhere", method: .get) { response async throws in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/crash", method: .get) { response async throws in
                #expect(response.status == .internalServerError)
                let detail = try problem(response.body)["detail"] as? String
                #expect(detail?.contains("Failure") == true)
            }
        }
    }

    @Test func decodingErrorsNameTheField() async throws {
        try await withApp { client in
            let cases: [(String, String)] = [
                (#"{"subject":{},"count":1}"#, "subject.commonName"),
                (#"{"subject":{"commonName":"a"},"count":"x"}"#, "count"),
                (#"{"subject":{"commonName":"a"}}"#, "count"),
                ("{oops", "body"),
            ]
            for (body, field) in cases {
                try await client.execute(uri: "/decode", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response async throws in
                    #expect(response.status == .badRequest, "\(body)")
                    let errors = try problem(response.body)["errors"] as? [[String: String]]
                    #expect(errors?.first?["field"] == field, "\(body)")
                }
            }
            try await client.execute(uri: "/decode", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "{}")) { response async throws in
                #expect(response.status == .unsupportedMediaType)
            }
        }
    }

    @Test func bodiesOverTheLimitAreRefused() async throws {
        try await withApp { client in
            try await client.execute(uri: "/collect", method: .post, body: ByteBuffer(repeating: 1, count: 2048)) { response async throws in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/collect", method: .post, body: ByteBuffer(repeating: 1, count: 512)) { response async throws in
                #expect(String(buffer: response.body) == "512")
            }
            try await client.execute(uri: "/small", method: .post, body: ByteBuffer(repeating: 1, count: 64)) { response async throws in
                #expect(response.status == .contentTooLarge)
                #expect(try problem(response.body)["detail"] as? String == "the request body is too large")
            }
        }
    }

    @Test func adminRoutesNeedTheRightBearerToken() async throws {
        try await withApp { client in
            try await client.execute(uri: "/admin/thing", method: .get) { response async throws in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"sandbox\"")
            }
            try await client.execute(uri: "/admin/thing", method: .get, headers: [.authorization: "Bearer secret-token-1234568"]) { response async throws in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/admin/thing", method: .get, headers: [.authorization: "Basic secret-token-1234567"]) { response async throws in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/admin/thing", method: .get, headers: [.authorization: "Bearer secret-token-1234567"]) { response async throws in
                #expect(response.status == .ok)
            }
        }
    }
}
