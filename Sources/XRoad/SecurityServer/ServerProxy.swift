import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import SandboxCore
import SandboxCrypto

/// The provider side of a security server (`ServerRestMessageProcessor`): it receives a signed request from
/// the consumer's security server, verifies it, checks access in the implementation's order, calls the
/// backend with the service's timeout, and answers with the backend's response signed by the provider
/// member's key, carrying `X-Road-Request-Hash`.
struct ServerProxy {
    let server: SecurityServer

    func handle(_ request: Request, context: SandboxRequestContext) async -> Response {
        let messageType = request.headers[.init("x-road-message-type")!]
        let isSOAP = messageType == "SOAP" || messageType == "WSDL"
        var accept: String?
        var language = Language.en
        do throws(XRoadFault) {
            let body: [UInt8]
            do {
                body = Array(try await request.body.collect(upTo: SecurityServer.maximumBodySize + (1 << 20)).readableBytesView)
            } catch {
                throw XRoadFault(.serverProxy("InternalError"), "Request body exceeds \(SecurityServer.maximumBodySize) bytes", explain: .bodyTooLarge)
            }
            let opened = try open(body, contentType: request.headers[.contentType] ?? "")
            try await server.requireGoodSigner(opened, side: XRoadErrorCode.serverProxy)
            guard let signer = SecurityServerKeys.member(of: opened.signer) else {
                throw XRoadFault(.serverProxy("IncorrectCertificate"), "The signer certificate names no member", explain: .invalidSignature("no member id in \(opened.signer.subject)"))
            }
            try await server.requireAuthenticatedPeer(try? await Self.peerCertificate(context.channel), member: signer)
            if messageType == "WSDL" { return try await WSDLDownload.serve(opened, server: server) }
            if isSOAP {
                guard let part = opened.parts.first(where: { $0.contentType == SoapParts.message }) else {
                    throw XRoadFault(.serverProxy("InvalidMessage"), "The message has no SOAP part", explain: .invalidSignature("no text/xml part"))
                }
                return try await SoapServerProxy(server: server).serve(
                    part.body, client: signer, proof: (opened.manifest, opened.batchManifest, opened.signature),
                    requestID: request.headers[.init("x-road-request-id")!] ?? "",
                    originalContentType: request.headers[.init("x-original-content-type")!] ?? "",
                    soapAction: request.headers[.init("x-original-soapaction")!] ?? "")
            }
            let (part, payload, client) = try await restRequest(opened, signer: signer)
            accept = part.value("Accept")
            language = Language.negotiate(query: nil, acceptLanguage: part.value("Accept-Language"))
            let target: RestRequestTarget
            do {
                target = try RestRequestTarget.parse(part.target)
            } catch {
                // The consumer's server sends only targets it parsed itself: this one was made elsewhere.
                throw XRoadFault(.serverProxy("InvalidMessage"), error.message, explain: error.explanation)
            }
            let queryID = part.value("X-Road-Id") ?? ""
            let requestID = part.value("X-Road-Request-Id") ?? ""
            // Logged once access is granted, as X-Road's provider does (step 11 after the checks of step 10).
            let logRequest: @Sendable () async throws(XRoadFault) -> Void = { [server] () async throws(XRoadFault) in
                try await server.log(
                    .init(
                        queryID: queryID, requestID: requestID, isResponse: false, client: client, provider: target.service.provider,
                        service: target.service.headerValue, message: part.bytes, attachment: payload.isEmpty ? nil : payload,
                        manifest: opened.manifest, batchManifest: opened.batchManifest, signature: opened.signature, status: nil),
                    side: XRoadErrorCode.serverProxy)
            }
            let (response, sealed, responsePart, responseBody) = try await serve(
                part, target: target, body: payload, client: client, afterAccessCheck: logRequest)
            let proof = SignedEnvelope.proof(of: sealed)
            try await server.log(
                .init(
                    queryID: queryID, requestID: requestID, isResponse: true, client: client, provider: target.service.provider,
                    service: target.service.headerValue, message: responsePart.bytes, attachment: responseBody.isEmpty ? nil : responseBody,
                    manifest: proof.manifest, batchManifest: proof.batchManifest, signature: proof.signature, status: responsePart.status),
                side: XRoadErrorCode.serverProxy)
            return response
        } catch {
            server.logger.info("request refused", metadata: ["code": "\(error.code.spelled(.legacy))", "message": "\(error.message)"])
            if isSOAP { return SoapClientProxy.faultResponse(error, style: server.errorStyle, language: language) }
            return XRoadErrorResponse.response(error, style: server.errorStyle, accept: accept, language: language)
        }
    }

    /// The DER of the certificate the consumer's server presented in the TLS handshake. Read on the
    /// connection's event loop without a hop when the request runs there, as it usually does.
    static func peerCertificate(_ channel: any Channel) async throws -> [UInt8]? {
        if channel.eventLoop.inEventLoop { return try channel.pipeline.syncOperations.nioSSL_peerCertificate()?.toDERBytes() }
        return try await channel.nioSSL_peerCertificate().get()?.toDERBytes()
    }

    /// The envelope, its signature and its signer's path to the sandbox root.
    private func open(_ bytes: [UInt8], contentType: String) throws(XRoadFault) -> SignedEnvelope.Opened {
        let message: MultipartMessage
        do {
            message = try MultipartMessage.decode(bytes, contentTypeHeader: contentType)
        } catch {
            throw XRoadFault(.serverProxy("InvalidMessage"), "Malformed message: \(error.description)", explain: .invalidSignature(error.description))
        }
        do {
            return try server.open(message)
        } catch {
            let code = error.kind == .untrustedSigner ? "SslAuthenticationFailed" : "InvalidSignatureValue"
            throw XRoadFault(.serverProxy(code), "Signature verification failed: \(error.description)", explain: .invalidSignature(error.description))
        }
    }

    /// The REST request part inside a verified envelope, its body, and its client (the signer's member's).
    private func restRequest(_ opened: SignedEnvelope.Opened, signer: XRoadClientID) async throws(XRoadFault) -> (RestRequestPart, [UInt8], XRoadClientID) {
        guard let part = opened.parts.first(where: { $0.contentType == RestEnvelopeParts.request }).flatMap({ RestRequestPart.parse($0.body) }),
            let clientText = part.value("X-Road-Client"), let client = try? XRoadClientID.parse(clientText)
        else {
            throw XRoadFault(.serverProxy("InvalidMessage"), "The message has no readable REST request part", explain: .invalidSignature("no rest-request part"))
        }
        guard signer == client.member else {
            let reason = "signed by \(opened.signer.subject), but the client is \(client)"
            throw XRoadFault(.serverProxy("IncorrectCertificate"), "Signer certificate is not issued to the client \(client)", explain: .invalidSignature(reason))
        }
        guard await server.knows(client) else {
            throw XRoadFault(
                .serverProxy("UnknownMember"), "Client '\(client)' not found",
                explain: .unknownMember(client, thisServer: server.name, registeredOn: server.topology.securityServers(hosting: client).map(\.name)))
        }
        let payload = opened.parts.first { $0.contentType == RestEnvelopeParts.body }?.body ?? []
        return (part, payload, client)
    }

    private func serve(
        _ part: RestRequestPart, target: RestRequestTarget, body: [UInt8], client: XRoadClientID,
        afterAccessCheck: @Sendable () async throws(XRoadFault) -> Void
    ) async throws(XRoadFault) -> (Response, MultipartMessage, RestResponsePart, [UInt8]) {
        guard server.definition.clients.contains(target.service.provider) else {
            throw XRoadFault(.serverProxy("UnknownService"), "Unknown service: \(target.service)", explain: .unknownService(target.service, known: []))
        }
        let backend: BackendAnswer
        if RestMetaservices.codes.contains(target.service.serviceCode) {
            try await afterAccessCheck()
            let answer = try await RestMetaservices.answer(
                target.service.serviceCode, method: part.method, query: target.query, provider: target.service.provider, client: client,
                topology: server.topology)
            backend = BackendAnswer(status: answer.status, headers: [.init("Content-Type", answer.contentType)], body: answer.body)
        } else {
            let (service, _) = try server.topology.authorizeREST(client: client, service: target.service, method: part.method, servicePath: target.servicePath)
            try await afterAccessCheck()
            backend = try await callBackend(part, body: body, service: service, target: target)
        }

        var headers = backend.headers.filter {
            !RestHeaders.filtered.contains($0.name.lowercased()) && !RestHeaders.strippedFromResponse.contains($0.name.lowercased())
                && !["x-road-client", "x-road-service"].contains($0.name.lowercased())
        }
        headers += [
            .init("x-road-id", part.value("X-Road-Id") ?? ""),
            .init("x-road-client", client.headerValue),
            .init("x-road-service", target.service.headerValue),
            .init("x-road-request-id", part.value("X-Road-Request-Id") ?? ""),
            .init("x-road-request-hash", RequestHash.compute(headerPart: part.bytes, body: body)),
        ]
        let responsePart = RestResponsePart(status: backend.status, headers: headers)
        var parts = [MultipartMessage.Part(contentType: RestEnvelopeParts.response, body: responsePart.bytes)]
        if !backend.body.isEmpty { parts.append(.init(contentType: RestEnvelopeParts.body, body: backend.body)) }
        guard let signer = server.keys.signer(for: target.service.provider) else {
            throw XRoadFault(
                .serverProxy("CannotCreateSignature"), "No signing key for member \(target.service.provider.member)", explain: .noSigningKey(target.service.provider.member))
        }
        let envelope: MultipartMessage
        do {
            envelope = try await SignedEnvelope.seal(parts, by: signer, at: server.clock.now())
        } catch {
            throw XRoadFault(.serverProxy("CannotCreateSignature"), "Failed to sign the response: \(error)", explain: .noSigningKey(target.service.provider.member))
        }
        let response = Response(
            status: .ok, headers: [.contentType: envelope.contentType], body: .init(byteBuffer: ByteBuffer(bytes: envelope.encoded())))
        return (response, envelope, responsePart, backend.body)
    }

    private struct BackendAnswer {
        let status: Int
        let headers: [RestRequestPart.Header]
        let body: [UInt8]
    }

    /// The backend call: service URL + path + query, the same verb, the forwarded headers, the service's timeout.
    private func callBackend(_ part: RestRequestPart, body: [UInt8], service: Topology.Service, target: RestRequestTarget) async throws(XRoadFault) -> BackendAnswer {
        guard SecurityServerRouters.restMethods.contains(where: { $0.rawValue == part.method }) else {
            throw XRoadFault(.serverProxy("InvalidMessage"), "Unsupported REST method \(part.method.prefix(40))", explain: .invalidSignature("method \(part.method.prefix(40))"))
        }
        // The part is signed, but by another server: a header that is not a valid HTTP field (NIO would
        // refuse to send the whole request) or a hop-by-hop one does not reach the backend.
        var headers = HTTPHeaders()
        for header in part.headers where RestHeaders.isForwardableField(name: header.name, value: header.value) {
            headers.add(name: header.name, value: header.value)
        }
        do {
            let response = try await SecurityServer.backendClient.execute(
                HTTPMethod(rawValue: part.method), url: target.backendURL(serviceURL: service.url), headers: headers,
                body: body.isEmpty ? nil : ByteBuffer(bytes: body), timeout: .seconds(Int64(service.timeout)), bodyLimit: SecurityServer.maximumBodySize)
            return BackendAnswer(
                status: Int(response.status.code), headers: response.headers.map { .init($0.name, $0.value) }, body: Array(response.body.readableBytesView))
        } catch RelayHTTPClient.Failure.timedOut {
            throw XRoadFault(.serverProxy("IOError"), "Read timed out after \(service.timeout) s", explain: .backendTimeout(service.id, seconds: service.timeout))
        } catch {
            throw XRoadFault(
                .serverProxy("NetworkError"), "Could not connect to \(service.url): \(error)", explain: .backendUnreachable(service.id, url: service.url))
        }
    }
}

extension XRoadFault.Explanation {
    static func invalidSignature(_ reason: String) -> Self {
        .init(
            french: "Le message reçu du serveur de sécurité client n'est pas valablement signé (\(reason)). Il est rejeté avant tout appel au service.",
            english: "The message from the client's security server is not validly signed (\(reason)). It is refused before any call to the service.")
    }

    static func backendTimeout(_ service: XRoadServiceID, seconds: Int) -> Self {
        .init(
            french: "Le système d'information de \(service.provider) n'a pas répondu en \(seconds) s (délai du service). Le délai se règle par PATCH /api/v1/services/{id}.",
            english: "\(service.provider)'s information system did not answer within \(seconds) s (the service's timeout). Set it with PATCH /api/v1/services/{id}.")
    }

    static func backendUnreachable(_ service: XRoadServiceID, url: String) -> Self {
        .init(
            french: "Le serveur de sécurité fournisseur ne joint pas le système d'information de \(service) à \(url). Est-il démarré, et l'URL du service est-elle juste ?",
            english: "The provider's security server cannot reach \(service)'s information system at \(url). Is it running, and is the service URL right?")
    }
}
