import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SandboxCore

/// Answers every failure of the PNPE with its documented error object and puts `Request-Id` on every
/// response: a crash or a bare 500 would teach a trainee nothing.
struct PNPEErrorMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
                throw PNPEError.tooLarge(maxBodyBytes)
            }
            var response = try await next(request, context)
            response.headers[.requestID] = context.requestID
            return response
        } catch let error as PNPEError {
            return error.response(requestID: context.requestID)
        } catch let problem as Problem {
            let kind: PNPEError.Kind = problem.status == .unauthorized ? .authentication : problem.status.code >= 500 ? .api : .invalidRequest
            let code = problem.type.split(separator: "/").last.map(String.init) ?? "error"
            return PNPEError(problem.status, kind, code: code.replacingOccurrences(of: "-", with: "_"), message: problem.detail, param: problem.errors.first?.field)
                .response(requestID: context.requestID)
        } catch let error as HTTPError {
            let error = switch error.status {
            case .notFound: PNPEError(.notFound, code: "route_not_found", message: "no route for \(request.method) \(request.uri.path.prefix(200)); see /v1 in docs/pnpe.md")
            case .methodNotAllowed: PNPEError(.methodNotAllowed, code: "method_not_allowed", message: "\(request.method) is not allowed on \(request.uri.path.prefix(200))")
            case .contentTooLarge: PNPEError.tooLarge(maxBodyBytes)
            default: PNPEError(error.status, error.status.code >= 500 ? .api : .invalidRequest, code: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
            }
            return error.response(requestID: context.requestID)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return PNPEError.tooLarge(maxBodyBytes).response(requestID: context.requestID)
        } catch {
            context.logger.error("pnpe: unhandled error on \(request.method) \(request.uri.path): \(error)")
            return PNPEError(.internalServerError, .api, code: "internal_error", message: "the sandbox failed unexpectedly: \(type(of: error)); please report it")
                .response(requestID: context.requestID)
        }
    }
}

extension PNPEError {
    static func tooLarge(_ limit: Int) -> PNPEError {
        PNPEError(.contentTooLarge, code: "body_too_large", message: "the request body exceeds \(limit) bytes", param: "body")
    }
}
