import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// What every `/v1` call goes through: the secret key, the body (read once, size-limited), fault rules
/// for the operation, and idempotency for `POST`s.
struct APIGateway: Sendable {
    let platform: PaymentPlatform

    typealias Handler = @Sendable (APICall) async throws -> APIResult

    func authenticate(_ request: Request) throws -> Merchant {
        guard let header = request.headers[.authorization] else {
            throw PNPEError(.unauthorized, .authentication, code: "api_key_missing", message: "send your secret key: Authorization: Bearer sk_test_…")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw PNPEError(.unauthorized, .authentication, code: "api_key_invalid", message: "the Authorization header must be: Bearer sk_test_…")
        }
        let key = parts[1].trimmingCharacters(in: .whitespaces)
        if key.hasPrefix("pk_test_") {
            throw PNPEError(
                .unauthorized, .authentication, code: "secret_key_required",
                message: "this is a public key (pk_test_…), meant for the checkout; the server API needs the secret key (sk_test_…)")
        }
        guard key.count <= 200, let merchant = try platform.merchant(secretKey: key) else {
            throw PNPEError(.unauthorized, .authentication, code: "api_key_invalid", message: "no merchant has this secret key; check sk_test_… (keys are per merchant)")
        }
        return merchant
    }

    /// Wraps a handler for `operation` (the name fault rules match on).
    func route(_ operation: String, _ handler: @escaping Handler) -> @Sendable (Request, SandboxRequestContext) async throws -> Response {
        { request, context in
            let merchant = try authenticate(request)
            let body: [UInt8]
            do {
                body = Array(try await request.body.collect(upTo: platform.configuration.maxBodyBytes).readableBytesView)
            } catch {
                throw PNPEError.tooLarge(platform.configuration.maxBodyBytes)
            }
            let call = APICall(platform: platform, merchant: merchant, request: request, context: context, body: body)
            guard request.method == .post, let key = request.headers[.idempotencyKey] else {
                return try await execute(call, operation, handler).response()
            }
            try PaymentPlatform.validateIdempotencyKey(key)
            let fingerprint = PaymentPlatform.fingerprint(method: request.method.rawValue, path: request.uri.path, body: body)
            switch try platform.beginIdempotent(merchantID: merchant.id, key: key, fingerprint: fingerprint) {
            case .replay(let result): return result.response()
            case .proceed: break
            }
            do {
                let result = try await execute(call, operation, handler)
                try platform.finishIdempotent(merchantID: merchant.id, key: key, result: result)
                return result.response()
            } catch let error as PNPEError where (error.status == .badRequest || error.status == .unauthorized) && !error.afterSideEffects {
                // Validation failed before anything happened: the key stays free.
                platform.releaseIdempotent(merchantID: merchant.id, key: key)
                throw error
            } catch let error as PNPEError {
                // Stripe keeps the outcome of a request that ran, errors included (an injected 500 too).
                var result = APIResult(status: error.status, body: Array(error.bodyText(requestID: context.requestID).utf8))
                for field in error.headers { result.headers.append((field.name, field.value)) }
                try platform.finishIdempotent(merchantID: merchant.id, key: key, result: result)
                throw error
            } catch {
                platform.releaseIdempotent(merchantID: merchant.id, key: key)
                throw error
            }
        }
    }

    /// Applies the fault rules of the operation, then runs the handler.
    private func execute(_ call: APICall, _ operation: String, _ handler: Handler) async throws -> APIResult {
        if try platform.hasFaults(merchantID: call.merchant.id) {
            try await applyFaults(call, operation)
        }
        return try await handler(call)
    }

    private func applyFaults(_ call: APICall, _ operation: String) async throws {
        var facts = FaultFacts(operation: operation)
        if let body = try? JSONParser.parse(call.body) {
            if case .integer(let amount)? = body["amount"] { facts.amount = amount }
            if case .string(let method)? = body["method"] ?? body["collect"]?["method"] { facts.method = method }
            if case .string(let msisdn)? = body["msisdn"] ?? body["collect"]?["msisdn"] { facts.msisdn = (try? MSISDN(parsing: msisdn).value) ?? msisdn }
        }
        if let id = call.context.parameters.get("id"), id.hasPrefix("pay_"), let payment = try? platform.payment(id: id, merchantID: call.merchant.id) {
            facts.amount = facts.amount ?? payment.amount
            facts.method = facts.method ?? payment.method?.rawValue
            facts.msisdn = facts.msisdn ?? payment.payer?.msisdn
        }
        guard let rule = try platform.consumeFault(platform.database, merchantID: call.merchant.id, facts: facts, types: [.httpError, .latency, .timeout, .rateLimit]) else {
            return
        }
        let action = rule.action
        switch action.type {
        case .latency:
            try await Task.sleep(for: .milliseconds(action.milliseconds ?? 1000))
        case .timeout:
            try await Task.sleep(for: .seconds(action.seconds ?? 30))
            throw PNPEError(.gatewayTimeout, .api, code: "provider_timeout", message: "injected by fault rule \(rule.id): the platform did not answer in time")
        case .rateLimit:
            throw PNPEError(
                .tooManyRequests, .rateLimit, code: "rate_limited", message: "too many requests (fault rule \(rule.id)); retry after \(action.retryAfter ?? 1) s",
                headers: [.retryAfter: String(action.retryAfter ?? 1)])
        case .httpError:
            let status = HTTPResponse.Status(code: action.status ?? 500)
            var headers: HTTPFields = [:]
            if let retryAfter = action.retryAfter { headers[.retryAfter] = String(retryAfter) }
            throw PNPEError(
                status, status.code >= 500 ? .api : .invalidRequest, code: action.code ?? "injected_error",
                message: "injected by fault rule \(rule.id)\(rule.description.map { " (\($0))" } ?? "")", headers: headers)
        case .outcome, .webhook: break
        }
    }
}
