import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SandboxCore
import SandboxCrypto

/// The consumer side for SOAP (message protocol 4.0): everything a security server's client port receives
/// outside `/r1/`. SOAP libraries often use the security server as an HTTP proxy, so an absolute-form
/// target (`POST http://ss:8080/ HTTP/1.1`) lands here too. Faults are SOAP faults with HTTP 200, as the
/// implementation sends them.
struct SoapClientProxy {
    let server: SecurityServer
    var rest: ClientProxy { ClientProxy(server: server) }

    func handle(_ request: Request, context: SandboxRequestContext) async -> Response {
        let language = Language.negotiate(query: nil, acceptLanguage: request.headers[.acceptLanguage])
        do throws(XRoadFault) {
            guard request.method == .post else {
                throw XRoadFault(.client("InvalidHttpMethod"), "Must use POST request method instead of \(request.method.rawValue)", explain: .soapNeedsPost)
            }
            return try await exchange(request)
        } catch {
            server.logger.info("SOAP exchange refused", metadata: ["code": "\(error.code.spelled(.legacy))", "message": "\(error.message)"])
            return Self.faultResponse(error, style: server.errorStyle, language: language)
        }
    }

    static func faultResponse(_ fault: XRoadFault, style: XRoadErrorStyle, language: Language) -> Response {
        var headers: HTTPFields = [.contentType: "text/xml; charset=UTF-8", .init("SOAPAction")!: ""]
        headers[XRoadErrorResponse.explainHeader] = HeaderText.sanitize(fault.explanation.text(for: language))
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: SoapFaultResponse.xml(fault, style: style))))
    }

    private func exchange(_ request: Request) async throws(XRoadFault) -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("text/xml") else {
            throw XRoadFault(
                .client("InvalidContentType"), "Invalid content type: \(contentType.prefix(100))",
                explain: .invalidSoap("Content-Type must be text/xml (SOAP 1.1), not '\(contentType.prefix(60))'"))
        }
        let bytes = try await rest.collectBody(request)
        let message = try SoapMessage.parse(bytes)
        let (client, service, messageID) = try message.requireRequestHeader()
        try rest.requireRegistered(client)
        let provider = try await rest.providerServer(for: service, requested: nil)
        guard let signer = server.keys.signer(for: client) else {
            throw XRoadFault(.clientProxy("CannotCreateSignature"), "No signing key for member \(client.member)", explain: .noSigningKey(client.member))
        }
        let requestID = Identifier.uuid()
        let envelope: MultipartMessage
        do {
            envelope = try await SignedEnvelope.seal([.init(contentType: SoapParts.message, body: bytes)], by: signer, at: server.clock.now())
        } catch {
            throw XRoadFault(.clientProxy("CannotCreateSignature"), "Failed to sign the request: \(error)", explain: .noSigningKey(client.member))
        }
        let proof = SignedEnvelope.proof(of: envelope)
        try await server.log(
            .init(
                queryID: messageID, requestID: requestID, isResponse: false, client: client, provider: service.provider, service: service.headerValue,
                message: bytes, attachment: nil, manifest: proof.manifest, batchManifest: proof.batchManifest, signature: proof.signature, status: nil),
            side: XRoadErrorCode.clientProxy)
        let soapAction = request.headers[.init("SOAPAction")!] ?? ""
        let answer = try await rest.send(
            envelope, to: provider, serving: service.provider, requestID: requestID, messageType: "SOAP",
            extraHeaders: [("x-original-content-type", contentType), ("x-original-soapaction", soapAction)])
        if let passthrough = answer.fault { return passthrough }

        let opened = try server.openResponse(answer.message)
        try await server.requireGoodSigner(opened, side: XRoadErrorCode.clientProxy)
        guard SecurityServerKeys.member(of: opened.signer) == service.provider.member, let part = opened.parts.first(where: { $0.contentType == SoapParts.message }) else {
            throw XRoadFault(.clientProxy("InconsistentResponse"), "Invalid response signature", explain: .inconsistent("signed by \(opened.signer.subject)"))
        }
        let response = try SoapMessage.parse(part.body)
        if !response.isFault {
            let expected = SoapMessage.requestHash(bytes)
            let checks: [(String, Bool)] = [
                ("requestHash", response.requestHash == expected), ("id", response.id == messageID), ("client", response.client == client),
                ("service", response.service?.provider == service.provider && response.service?.serviceCode == service.serviceCode),
            ]
            if let failed = checks.first(where: { !$0.1 }) {
                let reason = "the response's xrd:\(failed.0) does not match the request"
                throw XRoadFault(.clientProxy("InconsistentResponse"), "Response is inconsistent with the request: \(reason)", explain: .inconsistent(reason))
            }
        }
        try await server.log(
            .init(
                queryID: messageID, requestID: requestID, isResponse: true, client: client, provider: service.provider, service: service.headerValue,
                message: part.body, attachment: nil, manifest: opened.manifest, batchManifest: opened.batchManifest, signature: opened.signature, status: nil),
            side: XRoadErrorCode.clientProxy)
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=UTF-8"], body: .init(byteBuffer: ByteBuffer(bytes: part.body)))
    }
}

/// The content type of a SOAP message part between security servers.
enum SoapParts {
    static let message = "text/xml"
}
