import Foundation
import NIOHTTP1

/// The PNPE's public API, with the merchant's secret key, as any merchant site calls it.
struct PNPEClient: Sendable {
    let baseURL: String
    let secretKey: String
    let http: UpstreamHTTP

    /// The members of a payment the e-service reads.
    struct Payment: Decodable, Sendable {
        let id: String
        let status: String
        let amount: Int64
        let checkoutURL: String
        let merchantReference: String?
        let failureCode: String?

        enum CodingKeys: String, CodingKey {
            case id, status, amount
            case checkoutURL = "checkout_url"
            case merchantReference = "merchant_reference"
            case failureCode = "failure_code"
        }
    }

    /// The PNPE's error object: `{"error": {"code", "message", "param"}}`.
    struct Failure: Error, Sendable, CustomStringConvertible {
        let status: Int
        let code: String
        let message: String
        var description: String { "PNPE \(status) \(code): \(message)" }
    }

    struct Endpoint: Decodable, Sendable {
        let id: String
        let url: String
        let secret: String?
    }

    /// `POST /v1/payments` with an `Idempotency-Key`: a retry after a lost answer gets the same payment.
    func createPayment(amount: Int64, description: String, reference: String, returnURL: String, metadata: [String: String], idempotencyKey: String) async throws
        -> Payment
    {
        let body: [String: Any] = [
            "amount": amount, "currency": "XOF", "description": description, "merchant_reference": reference, "return_url": returnURL, "metadata": metadata,
        ]
        return try await call(.POST, "/v1/payments", body: body, headers: [("Idempotency-Key", idempotencyKey)])
    }

    /// `GET /v1/payments/{id}`: the truth about a payment, whatever a redirect or a webhook said.
    func payment(_ id: String) async throws -> Payment {
        try await call(.GET, "/v1/payments/\(UpstreamHTTP.percentEncoded(id))")
    }

    func createEndpoint(url: String) async throws -> Endpoint {
        try await call(.POST, "/v1/webhook_endpoints", body: ["url": url, "events": ["payment.*"], "description": "Agrément FAI (e-service)"])
    }

    /// The endpoint, or nil when the PNPE does not know it (its database was reset, say).
    func endpoint(_ id: String) async throws -> Endpoint? {
        do {
            return try await call(.GET, "/v1/webhook_endpoints/\(UpstreamHTTP.percentEncoded(id))")
        } catch let failure as Failure where failure.status == 404 {
            return nil
        }
    }

    private struct ErrorBody: Decodable {
        struct Inner: Decodable {
            let code: String?
            let message: String?
        }
        let error: Inner
    }

    private func call<T: Decodable>(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil, headers: [(String, String)] = []) async throws -> T {
        var all = headers + [("Authorization", "Bearer \(secretKey)")]
        var bytes: [UInt8]?
        if let body {
            all.append(("Content-Type", "application/json"))
            bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        }
        let reply = try await http.send(method, baseURL + path, system: "PNPE", headers: all, body: bytes)
        guard reply.isSuccess else {
            let error = reply.json(ErrorBody.self)?.error
            throw Failure(status: reply.status, code: error?.code ?? "http_\(reply.status)", message: error?.message ?? String(reply.text.prefix(300)))
        }
        guard let value = reply.json(T.self) else { throw Failure(status: reply.status, code: "unreadable", message: "the PNPE's answer could not be read") }
        return value
    }
}
