import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import SandboxCore
import SandboxCrypto

/// `GET /wsdl?xRoadInstance=…&memberClass=…&memberCode=…&subsystemCode=…&serviceCode=…[&version=…]` on the
/// client side: the WSDL of a SOAP service, fetched by the provider's security server from the service
/// description (the `getWsdl` metaservice), with its endpoint address rewritten to
/// `http://example.org/xroad-endpoint` as the implementation does, so that generated clients call their own
/// security server and not the backend. The request between servers is signed by this server's owner.
enum WSDLDownload {
    static let requestPart = "application/x-road-wsdl-request"
    static let anonymousEndpoint = "http://example.org/xroad-endpoint"

    /// Client side.
    static func fetch(_ request: Request, server: SecurityServer) async -> Response {
        let language = Language.negotiate(query: nil, acceptLanguage: request.headers[.acceptLanguage])
        do throws(XRoadFault) {
            let query = request.uri.queryParameters
            var parts: [String] = []
            for name in ["xRoadInstance", "memberClass", "memberCode", "subsystemCode", "serviceCode"] {
                guard let value = query[Substring(name)].map(String.init), !value.isEmpty else {
                    throw XRoadFault(.client("InvalidRequest"), "Missing parameter \(name)", explain: .wsdlParameters)
                }
                parts.append(value)
            }
            let provider = XRoadClientID(instance: parts[0], memberClass: parts[1], memberCode: parts[2], subsystemCode: parts[3])
            let service = XRoadServiceID(provider: provider, serviceCode: parts[4], serviceVersion: query["version"].map(String.init))
            let proxy = ClientProxy(server: server)
            let host = try await proxy.providerServer(for: service, requested: nil)
            guard let signer = server.keys.signer(for: server.definition.id.owner) else {
                throw XRoadFault(.clientProxy("CannotCreateSignature"), "No signing key for the server's owner", explain: .noSigningKey(server.definition.id.owner))
            }
            let envelope: MultipartMessage
            do {
                envelope = try await SignedEnvelope.seal([.init(contentType: requestPart, body: Array(service.headerValue.utf8))], by: signer, at: server.clock.now())
            } catch {
                throw XRoadFault(.clientProxy("CannotCreateSignature"), "Failed to sign the request: \(error)", explain: .noSigningKey(signer.member))
            }
            let answer = try await proxy.send(envelope, to: host, serving: provider, requestID: Identifier.uuid(), messageType: "WSDL")
            if let passthrough = answer.fault { return passthrough }
            let opened = try server.openResponse(answer.message)
            guard let wsdl = opened.parts.first(where: { $0.contentType == SoapParts.message }) else {
                throw XRoadFault(.clientProxy("InconsistentResponse"), "The response holds no WSDL", explain: .inconsistent("no text/xml part"))
            }
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=UTF-8"], body: .init(byteBuffer: ByteBuffer(bytes: wsdl.body)))
        } catch {
            return SoapClientProxy.faultResponse(error, style: server.errorStyle, language: language)
        }
    }

    /// Provider side: the WSDL of a service this server hosts, endpoint rewritten, signed by the provider.
    static func serve(_ opened: SignedEnvelope.Opened, server: SecurityServer) async throws(XRoadFault) -> Response {
        guard let part = opened.parts.first(where: { $0.contentType == requestPart }),
            let id = try? XRoadServiceID.parse(String(decoding: part.body, as: UTF8.self).split(separator: "/").prefix(5).joined(separator: "/"))
        else { throw XRoadFault(.serverProxy("InvalidMessage"), "Malformed getWsdl request", explain: .wsdlParameters) }
        guard server.definition.clients.contains(id.provider), let service = server.topology.service(id) else {
            throw XRoadFault(.serverProxy("UnknownService"), "Unknown service: \(id)", explain: .unknownService(id, known: []))
        }
        guard service.type == .wsdl, let url = service.descriptionURL else {
            throw XRoadFault(.serverProxy("ServiceType"), "Service is not a SOAP service: \(id)", explain: .restCalledWithSOAP(id))
        }
        let wsdl: [UInt8]
        do {
            let response = try await SecurityServer.httpClient.execute(HTTPClientRequest(url: url), timeout: .seconds(Int64(service.timeout)))
            guard response.status == .ok else { throw XRoadFault(.serverProxy("InternalError"), "WSDL download answered \(response.status.code)", explain: .backendUnreachable(id, url: url)) }
            wsdl = Array(try await response.body.collect(upTo: 4 << 20).readableBytesView)
        } catch let fault as XRoadFault {
            throw fault
        } catch {
            throw XRoadFault(.serverProxy("NetworkError"), "Could not fetch the WSDL: \(error)", explain: .backendUnreachable(id, url: url))
        }
        guard let signer = server.keys.signer(for: id.provider) else {
            throw XRoadFault(.serverProxy("CannotCreateSignature"), "No signing key for \(id.provider.member)", explain: .noSigningKey(id.provider.member))
        }
        do {
            let envelope = try await SignedEnvelope.seal([.init(contentType: SoapParts.message, body: Array(anonymised(String(decoding: wsdl, as: UTF8.self)).utf8))], by: signer, at: server.clock.now())
            return Response(status: .ok, headers: [.contentType: envelope.contentType], body: .init(byteBuffer: ByteBuffer(bytes: envelope.encoded())))
        } catch {
            throw XRoadFault(.serverProxy("CannotCreateSignature"), "Failed to sign the response: \(error)", explain: .noSigningKey(id.provider.member))
        }
    }

    /// Every `soap:address location` (SOAP 1.1 or 1.2) pointed at X-Road's placeholder endpoint.
    static func anonymised(_ wsdl: String) -> String {
        guard let expression = try? NSRegularExpression(pattern: #"(<[A-Za-z0-9_]*:?address\b[^>]*\blocation\s*=\s*")[^"]*(")"#) else { return wsdl }
        return expression.stringByReplacingMatches(in: wsdl, range: NSRange(wsdl.startIndex..., in: wsdl), withTemplate: "$1\(anonymousEndpoint)$2")
    }
}

extension XRoadFault.Explanation {
    static let wsdlParameters = Self(
        french: "GET /wsdl attend xRoadInstance, memberClass, memberCode, subsystemCode, serviceCode (et version, facultatif) : ceux du service SOAP, par exemple ?xRoadInstance=BJ-SANDBOX&memberClass=GOV&memberCode=DGI&subsystemCode=IFU&serviceCode=getTaxpayer&version=v1.",
        english: "GET /wsdl needs xRoadInstance, memberClass, memberCode, subsystemCode, serviceCode (and optionally version) of the SOAP service, e.g. ?xRoadInstance=BJ-SANDBOX&memberClass=GOV&memberCode=DGI&subsystemCode=IFU&serviceCode=getTaxpayer&version=v1.")
}
