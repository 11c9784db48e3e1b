import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SandboxCore

/// The provider side for SOAP: verify the signed message, check access (service exists, is a WSDL service,
/// the client has a right on it, it is enabled), call the backend with only `Content-Type` and `SOAPAction`
/// (PR-MESS §2.2), add `xrd:requestHash` to the answer's header and sign it.
struct SoapServerProxy {
    let server: SecurityServer

    /// Answers a verified SOAP request part sent by `client`'s member.
    func serve(
        _ bytes: [UInt8], client signer: XRoadClientID, proof: (manifest: [UInt8], batchManifest: [UInt8]?, signature: [UInt8]), requestID: String, originalContentType: String,
        soapAction: String
    ) async throws(XRoadFault) -> Response {
        let message = try SoapMessage.parse(bytes)
        let (client, serviceID, messageID) = try message.requireRequestHeader()
        guard client.member == signer.member else {
            throw XRoadFault(
                .serverProxy("IncorrectCertificate"), "Signer certificate is not issued to the client \(client)",
                explain: .invalidSignature("signed by \(signer.member), but the SOAP header names \(client)"))
        }
        guard await server.knows(client) else {
            throw XRoadFault(
                .serverProxy("UnknownMember"), "Client '\(client)' not found",
                explain: .unknownMember(client, thisServer: server.name, registeredOn: server.topology.securityServers(hosting: client).map(\.name)))
        }
        let service = try authorize(client: client, service: serviceID)
        try await server.log(
            .init(
                queryID: messageID, requestID: requestID, isResponse: false, client: client, provider: service.id.provider,
                service: service.id.headerValue, message: bytes, attachment: nil, manifest: proof.manifest, batchManifest: proof.batchManifest, signature: proof.signature, status: nil),
            side: XRoadErrorCode.serverProxy)

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: originalContentType.isEmpty ? "text/xml; charset=utf-8" : originalContentType)
        headers.add(name: "SOAPAction", value: soapAction)
        let answer: [UInt8]
        do {
            let response = try await SecurityServer.backendClient.execute(
                .POST, url: service.url, headers: headers, body: ByteBuffer(bytes: bytes), timeout: .seconds(Int64(service.timeout)),
                bodyLimit: SecurityServer.maximumBodySize)
            answer = Array(response.body.readableBytesView)
        } catch RelayHTTPClient.Failure.timedOut {
            throw XRoadFault(.serverProxy("IOError"), "Read timed out after \(service.timeout) s", explain: .backendTimeout(service.id, seconds: service.timeout))
        } catch {
            throw XRoadFault(.serverProxy("NetworkError"), "Could not connect to \(service.url): \(error)", explain: .backendUnreachable(service.id, url: service.url))
        }
        let response: SoapMessage
        do {
            response = try SoapMessage.parse(answer)
        } catch {
            throw XRoadFault(
                .serverProxy("ServiceFailed.InvalidSoap"), "The service answered with an invalid SOAP message: \(error.message)",
                explain: .invalidSoap("the backend's answer: \(error.message)"))
        }
        var finalBytes = answer
        if !response.isFault {
            guard let withHash = response.addingRequestHash(SoapMessage.requestHash(bytes)) else {
                throw XRoadFault(
                    .serverProxy("ServiceFailed.MissingHeader"), "The service's response has no SOAP header",
                    explain: .invalidSoap("the backend must copy the request's X-Road header into its response"))
            }
            finalBytes = withHash
        }
        guard let providerSigner = server.keys.signer(for: service.id.provider) else {
            throw XRoadFault(.serverProxy("CannotCreateSignature"), "No signing key for \(service.id.provider.member)", explain: .noSigningKey(service.id.provider.member))
        }
        let envelope: MultipartMessage
        do {
            envelope = try await SignedEnvelope.seal([.init(contentType: SoapParts.message, body: finalBytes)], by: providerSigner, at: server.clock.now())
        } catch {
            throw XRoadFault(.serverProxy("CannotCreateSignature"), "Failed to sign the response: \(error)", explain: .noSigningKey(service.id.provider.member))
        }
        let responseProof = SignedEnvelope.proof(of: envelope)
        try await server.log(
            .init(
                queryID: messageID, requestID: requestID, isResponse: true, client: client, provider: service.id.provider,
                service: service.id.headerValue, message: finalBytes, attachment: nil, manifest: responseProof.manifest,
                batchManifest: responseProof.batchManifest, signature: responseProof.signature, status: nil),
            side: XRoadErrorCode.serverProxy)
        return Response(status: .ok, headers: [.contentType: envelope.contentType], body: .init(byteBuffer: ByteBuffer(bytes: envelope.encoded())))
    }

    /// The provider's checks for SOAP, in the implementation's order. SOAP services have service-level rights.
    private func authorize(client: XRoadClientID, service id: XRoadServiceID) throws(XRoadFault) -> Topology.Service {
        guard server.definition.clients.contains(id.provider), let service = server.topology.service(id) else {
            throw XRoadFault(.serverProxy("UnknownService"), "Unknown service: \(id)", explain: .unknownService(id, known: []))
        }
        guard service.type == .wsdl else {
            throw XRoadFault(.serverProxy("ServiceType"), "Service type is not SOAP: \(id)", explain: .restCalledWithSOAP(id))
        }
        guard server.topology.accessRights.contains(where: { $0.subject == client && $0.service == service.id }) else {
            throw XRoadFault(.serverProxy("AccessDenied"), "Request is not allowed: \(id)", explain: .accessDenied(client, id, method: "POST", path: "/", evaluated: []))
        }
        guard service.enabled else {
            throw XRoadFault(.serverProxy("ServiceDisabled"), "Service \(id) is disabled: \(service.disabledNotice)", explain: .serviceDisabled(id, notice: service.disabledNotice))
        }
        return service
    }
}

extension XRoadFault.Explanation {
    static func restCalledWithSOAP(_ id: XRoadServiceID) -> Self {
        .init(
            french: "\(id) est un service REST : appelez-le par GET/POST /r1/\(id.headerValue)/…, pas en SOAP.",
            english: "\(id) is a REST service: call it with GET/POST /r1/\(id.headerValue)/…, not with SOAP.")
    }
}
