import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Gives every request an id (the caller's `X-Request-Id` when it is sane) and returns it on every
/// response, errors included, so that a log line and a user's report can be matched.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let incoming = request.headers[.xRequestID], Identifier.isSafe(incoming) { context.requestID = incoming }
        context.logger[metadataKey: "request"] = "\(context.requestID)"
        do {
            var response = try await next(request, context)
            response.headers[.xRequestID] = context.requestID
            return response
        } catch let problem as Problem {
            var response = try problem.response(from: request, context: context)
            response.headers[.xRequestID] = context.requestID
            return response
        }
    }
}

/// One log line per request: method, path (no query string: it may carry secrets), status, duration.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds)) ms")
        return response
    }
}

/// Turns every error into a problem response: a bare 500 with an empty body tells nobody anything.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            let detail: String
            switch error.status {
            case .notFound: detail = error.body ?? "no route for \(request.method) \(request.uri.path)"
            case .contentTooLarge: detail = error.body ?? "the request body is too large"
            case .methodNotAllowed: detail = "\(request.method) is not allowed on \(request.uri.path)"
            default: detail = error.body ?? error.status.reasonPhrase
            }
            let problem = Problem(status: error.status, slug: "http-\(error.status.code)", title: error.status.reasonPhrase, detail: detail)
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            // Errors that know their status, such as a body over the limit a handler collects up to.
            let detail = error.status == .contentTooLarge ? "the request body is too large" : error.status.reasonPhrase
            let problem = Problem(status: error.status, slug: "http-\(error.status.code)", title: error.status.reasonPhrase, detail: detail)
            return try problem.response(from: request, context: context)
        } catch let error as DecodingError {
            return try SandboxJSONDecoder.problem(error).response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error on \(request.method) \(request.uri.path): \(error)")
            return try Problem.internal(detail: "\(type(of: error)): \(error)").response(from: request, context: context)
        }
    }
}

/// Refuses bodies larger than a limit, from `Content-Length` before reading anything.
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    let maxBytes: Int

    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBytes {
            throw Problem.payloadTooLarge(limit: maxBytes)
        }
        return try await next(request, context)
    }
}

/// Requires `Authorization: Bearer <admin token>` on the routes of a group.
public struct AdminAuthMiddleware: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    let token: AdminToken

    public init(token: AdminToken) { self.token = token }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized(
                detail: "missing admin token: send Authorization: Bearer <token> (printed by `sandbox up`, also in <data-dir>/admin-token)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", token.matches(String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw Problem.unauthorized(detail: "wrong admin token: use the one `sandbox up` printed (or SANDBOX_ADMIN_TOKEN)")
        }
        return try await next(request, context)
    }
}

extension Router where Context == SandboxRequestContext {
    /// A router with the sandbox's middleware stack: request id, access log, problems, body limit.
    public static func sandbox(logger: Logger, maxBodyBytes: Int) -> Router<SandboxRequestContext> {
        let router = Router(context: SandboxRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(AccessLogMiddleware())
        router.middlewares.add(ProblemMiddleware())
        router.middlewares.add(BodyLimitMiddleware(maxBytes: maxBodyBytes))
        return router
    }
}

extension HTTPField.Name {
    public static let xRequestID = Self("X-Request-Id")!
}
