import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import SandboxCore
import SandboxCrypto

/// The consumer side of a security server (PR-REST, `ClientRestMessageProcessor`): an information system
/// calls `/r1/{serviceId}/…` on its own organisation's server with `X-Road-Client`; this server checks the
/// client is registered here, signs the request with the client member's key, sends it to the provider's
/// security server, verifies the signed answer and returns it with the X-Road response headers.
struct ClientProxy {
    let server: SecurityServer

    func handle(_ request: Request, context: SandboxRequestContext) async -> Response {
        let language = Language.negotiate(query: nil, acceptLanguage: request.headers[.acceptLanguage])
        do {
            return try await exchange(request)
        } catch {
            server.logger.info("REST exchange refused", metadata: ["code": "\(error.code.spelled(.legacy))", "message": "\(error.message)"])
            return XRoadErrorResponse.response(error, style: server.errorStyle, accept: request.headers[.accept], language: language)
        }
    }

    private func exchange(_ request: Request) async throws(XRoadFault) -> Response {
        // Path and query as received (an absolute-form target, from a client using the server as a proxy, drops its origin).
        let rawTarget = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let target = try RestRequestTarget.parse(rawTarget)
        let incoming = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        let client = try client(from: incoming)
        let provider = try await providerServer(for: target.service, requested: RestHeaders.last("X-Road-Security-Server", in: incoming))
        guard let signer = server.keys.signer(for: client) else {
            throw XRoadFault(.clientProxy("CannotCreateSignature"), "No signing key for member \(client.member)", explain: .noSigningKey(client.member))
        }
        let body = try await collectBody(request)

        // The message as the provider will see it: forwardable headers, then the ids this server sets.
        let messageID = RestHeaders.last("X-Road-Id", in: incoming) ?? "\(server.topology.instance)-\(Identifier.uuid())"
        let requestID = Identifier.uuid()
        var headers = RestHeaders.forwardable(incoming)
            .filter { !["x-road-client", "x-road-id"].contains($0.name.lowercased()) }
            .map { RestRequestPart.Header($0.name, $0.value) }
        headers += [.init("X-Road-Client", client.headerValue), .init("X-Road-Id", messageID), .init("X-Road-Request-Id", requestID)]
        let part = RestRequestPart(method: request.method.rawValue, target: rawTarget, headers: headers)
        var parts = [MultipartMessage.Part(contentType: RestEnvelopeParts.request, body: part.bytes)]
        if !body.isEmpty { parts.append(.init(contentType: RestEnvelopeParts.body, body: body)) }
        let envelope: MultipartMessage
        do {
            envelope = try await SignedEnvelope.seal(parts, by: signer, at: server.clock.now())
        } catch {
            throw XRoadFault(.clientProxy("CannotCreateSignature"), "Failed to sign the request: \(error)", explain: .noSigningKey(client.member))
        }

        let proof = SignedEnvelope.proof(of: envelope)
        try await server.log(
            .init(
                queryID: messageID, requestID: requestID, isResponse: false, client: client, provider: target.service.provider,
                service: target.service.headerValue, message: part.bytes, attachment: body.isEmpty ? nil : body, manifest: proof.manifest,
                batchManifest: proof.batchManifest, signature: proof.signature, status: nil),
            side: XRoadErrorCode.clientProxy)

        let answer = try await send(envelope, to: provider, serving: target.service.provider, requestID: requestID)
        if let passthrough = answer.fault { return passthrough }
        let (response, opened, responsePart, responseBody) = try verifiedResponse(
            answer.message, request: part, body: body, client: client, target: target, messageID: messageID, requestID: requestID)
        try await server.requireGoodSigner(opened, side: XRoadErrorCode.clientProxy)
        try await server.log(
            .init(
                queryID: messageID, requestID: requestID, isResponse: true, client: client, provider: target.service.provider,
                service: target.service.headerValue, message: responsePart.bytes, attachment: responseBody.isEmpty ? nil : responseBody,
                manifest: opened.manifest, batchManifest: opened.batchManifest, signature: opened.signature, status: responsePart.status),
            side: XRoadErrorCode.clientProxy)
        return response
    }

    // MARK: Steps

    /// `X-Road-Client`, last occurrence, registered on this server.
    func client(from headers: [(name: String, value: String)]) throws(XRoadFault) -> XRoadClientID {
        guard let text = RestHeaders.last("X-Road-Client", in: headers) else {
            throw XRoadFault(.clientProxy("InvalidClientIdentifier"), "The X-Road-Client header is missing", explain: .missingClientHeader)
        }
        let client: XRoadClientID
        do {
            client = try XRoadClientID.parse(text)
        } catch {
            throw XRoadFault(.clientProxy("InvalidClientIdentifier"), "Invalid X-Road-Client header: \(error.description)", explain: .malformedClientHeader(error.description))
        }
        try requireRegistered(client)
        return client
    }

    /// The client must be registered on this very server: the first support question of every X-Road forum.
    func requireRegistered(_ client: XRoadClientID) throws(XRoadFault) {
        guard server.definition.clients.contains(client) else {
            if let local = server.configuration.client(client) {
                throw XRoadFault(
                    .clientProxy("UnknownMember"), "Client '\(client)' not found",
                    explain: .clientNotRegistered(client, status: local.status.rawValue, thisServer: server.name))
            }
            throw XRoadFault(
                .clientProxy("UnknownMember"), "Client '\(client)' not found",
                explain: .unknownMember(client, thisServer: server.name, registeredOn: server.topology.securityServers(hosting: client).map(\.name)))
        }
    }

    /// The security server hosting the provider, optionally the one `X-Road-Security-Server` names.
    func providerServer(for service: XRoadServiceID, requested: String?) async throws(XRoadFault) -> Topology.SecurityServer {
        let hosts = await server.hosts(of: service.provider)
        guard !hosts.isEmpty else {
            throw XRoadFault(
                .clientProxy("UnknownMember"), "Could not find addresses for service provider \"\(service)\"",
                explain: .unknownProvider(service, members: server.topology.members.map(\.id)))
        }
        guard let requested else { return hosts[0] }
        guard let wanted = try? SecurityServerID.parse(requested), let host = hosts.first(where: { $0.id == wanted }) else {
            throw XRoadFault(
                .clientProxy("InvalidSecurityServer"), "Invalid security server identifier '\(requested.prefix(200))'",
                explain: .invalidSecurityServer(requested, hosts: hosts.map(\.id.description)))
        }
        return host
    }

    func collectBody(_ request: Request) async throws(XRoadFault) -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: SecurityServer.maximumBodySize).readableBytesView)
        } catch {
            throw XRoadFault(.clientProxy("InternalError"), "Request body exceeds \(SecurityServer.maximumBodySize) bytes", explain: .bodyTooLarge)
        }
    }

    /// What came back from the provider's security server: a signed message, or a fault to pass through.
    struct Answer {
        var message = MultipartMessage(parts: [])
        var fault: Response?
    }

    /// - Parameter serving: the service's provider: the server that answers must host it.
    func send(
        _ envelope: MultipartMessage, to provider: Topology.SecurityServer, serving: XRoadClientID, requestID: String, messageType: String = "REST",
        extraHeaders: [(String, String)] = []
    ) async throws(XRoadFault) -> Answer {
        guard let base = server.peers[provider.name] else {
            throw XRoadFault(
                .clientProxy("NetworkError"), "Could not connect to any target host (\(provider.id))", explain: .unreachablePeer(provider.name, url: nil))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: envelope.contentType)
        headers.add(name: "x-road-request-id", value: requestID)
        headers.add(name: "x-road-message-type", value: messageType)
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        headers.add(name: "x-hash-algorithm", value: "http://www.w3.org/2001/04/xmlenc#sha512")
        headers.add(name: "x-proxy-version", value: "interop-sandbox")
        let response: RelayHTTPClient.Response
        do {
            response = try await server.peerClient.execute(
                .POST, url: base + "/", headers: headers, body: ByteBuffer(bytes: envelope.encoded()), timeout: .seconds(120),
                bodyLimit: SecurityServer.maximumBodySize + (1 << 20)
            ) { [server] certificate in
                try await server.requireAuthenticatedProvider(certificate, provider: serving, addressed: provider)
            }
        } catch let fault as XRoadFault {
            throw fault
        } catch let error as NIOSSLError {
            throw XRoadFault(.clientProxy("SslAuthenticationFailed"), "TLS handshake failed: \(error)", explain: .tlsFailed(provider.name, "\(error)"))
        } catch let error as BoringSSLError {
            throw XRoadFault(.clientProxy("SslAuthenticationFailed"), "TLS handshake failed: \(error)", explain: .tlsFailed(provider.name, "\(error)"))
        } catch {
            throw XRoadFault(
                .clientProxy("NetworkError"), "Could not connect to any target host (\(provider.id))", explain: .unreachablePeer(provider.name, url: base))
        }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        if response.headers.first(name: "X-Road-Error") != nil || !contentType.lowercased().hasPrefix("multipart/") {
            // A fault from the provider's server: it travels back with its code, status and body unchanged.
            var headers = HTTPFields()
            for header in response.headers where ["content-type", "x-road-error", "x-sandbox-explain", "soapaction"].contains(header.name.lowercased()) {
                if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
            }
            return Answer(fault: Response(status: .init(code: Int(response.status.code)), headers: headers, body: .init(byteBuffer: response.body)))
        }
        do {
            return Answer(message: try MultipartMessage.decode(Array(response.body.readableBytesView), contentTypeHeader: contentType))
        } catch {
            throw XRoadFault(.clientProxy("InconsistentResponse"), "Malformed response from the provider: \(error.description)", explain: .inconsistent(error.description))
        }
    }

    /// Checks the provider's signature, the request hash and the ids, then builds the answer to the IS.
    private func verifiedResponse(
        _ message: MultipartMessage, request: RestRequestPart, body: [UInt8], client: XRoadClientID, target: RestRequestTarget, messageID: String, requestID: String
    ) throws(XRoadFault) -> (Response, SignedEnvelope.Opened, RestResponsePart, [UInt8]) {
        let opened = try server.openResponse(message)
        guard SecurityServerKeys.member(of: opened.signer) == target.service.provider.member else {
            let reason = "the response is signed by \(opened.signer.subject), not by the provider \(target.service.provider.member)"
            throw XRoadFault(.clientProxy("InconsistentResponse"), "Invalid response signature: \(reason)", explain: .inconsistent(reason))
        }
        guard let responsePart = opened.parts.first(where: { $0.contentType == RestEnvelopeParts.response }).flatMap({ RestResponsePart.parse($0.body) }) else {
            throw XRoadFault(.clientProxy("InconsistentResponse"), "The response has no REST response part", explain: .inconsistent("no rest-response part"))
        }
        let expectedHash = RequestHash.compute(headerPart: request.bytes, body: body)
        let checks: [(String, String?, String)] = [
            ("x-road-request-hash", responsePart.value("x-road-request-hash"), expectedHash),
            ("x-road-id", responsePart.value("x-road-id"), messageID),
            ("x-road-request-id", responsePart.value("x-road-request-id"), requestID),
            ("x-road-client", responsePart.value("x-road-client"), client.headerValue),
            ("x-road-service", responsePart.value("x-road-service"), target.service.headerValue),
        ]
        if let mismatch = checks.first(where: { $0.1 != $0.2 }) {
            let reason = "\(mismatch.0) is '\(mismatch.1 ?? "missing")', expected '\(mismatch.2)'"
            throw XRoadFault(.clientProxy("InconsistentResponse"), "Response is inconsistent with the request: \(reason)", explain: .inconsistent(reason))
        }
        var headers = HTTPFields()
        for header in responsePart.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            headers.append(HTTPField(name: name, value: header.value))
        }
        let responseBody = opened.parts.first { $0.contentType == RestEnvelopeParts.body }?.body ?? []
        let response = Response(status: .init(code: responsePart.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: responseBody)))
        return (response, opened, responsePart, responseBody)
    }
}
