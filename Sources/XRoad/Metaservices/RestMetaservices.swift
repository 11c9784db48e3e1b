import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SandboxCore

/// The REST metaservices (PR-MREST), answered by the provider's security server itself: `listMethods`,
/// `allowedMethods` and `getOpenAPI`, called like services of the provider subsystem
/// (`GET /r1/INST/CLASS/CODE/SUB/listMethods`). Access rights are not checked for them, as in the
/// implementation; signatures and the request hash still apply. JSON is snake_case, as its Jackson mapper writes.
enum RestMetaservices {
    static let codes: Set<String> = ["listMethods", "allowedMethods", "getOpenAPI"]

    struct Answer {
        let status: Int
        let contentType: String
        let body: [UInt8]
    }

    static func answer(
        _ code: String, method: String, query: String?, provider: XRoadClientID, client: XRoadClientID, topology: Topology
    ) async throws(XRoadFault) -> Answer {
        guard method == "GET" else {
            throw XRoadFault(.serverProxy("InternalError"), "Only GET is supported for metaservice \(code)", explain: .metaservice("use GET for \(code)"))
        }
        switch code {
        case "getOpenAPI": return try await openAPI(query: query, provider: provider, topology: topology)
        default: return try methods(allowedOnly: code == "allowedMethods", provider: provider, client: client, topology: topology)
        }
    }

    private struct ServiceList: Encodable {
        struct Endpoint: Encodable {
            let method: String
            let path: String
        }
        struct Service: Encodable {
            let memberClass: String
            let memberCode: String
            let objectType = "SERVICE"
            let serviceCode: String
            let serviceType: String
            let subsystemCode: String
            let xroadInstance: String
            let endpointList: [Endpoint]
        }
        let service: [Service]
    }

    private static func methods(allowedOnly: Bool, provider: XRoadClientID, client: XRoadClientID, topology: Topology) throws(XRoadFault) -> Answer {
        var services: [ServiceList.Service] = []
        for service in topology.services where service.id.provider == provider && service.type.isREST {
            var endpoints = service.endpoints
            if allowedOnly {
                let rights = topology.accessRights.filter { $0.subject == client && $0.service == service.id }.map(\.endpoint)
                if rights.isEmpty { continue }
                // A service-level right opens every endpoint; endpoint rights open themselves.
                endpoints = rights.contains(where: \.isWholeService) ? service.endpoints : rights
            }
            services.append(
                .init(
                    memberClass: provider.memberClass, memberCode: provider.memberCode, serviceCode: service.id.serviceCode,
                    serviceType: service.type == .openAPI3 ? "OPENAPI" : "REST", subsystemCode: provider.subsystemCode ?? "",
                    xroadInstance: provider.instance, endpointList: endpoints.map { .init(method: $0.method, path: $0.path) }))
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(ServiceList(service: services))).map(Array.init) ?? Array("{}".utf8)
        return Answer(status: 200, contentType: "application/json; charset=utf-8", body: body)
    }

    /// The provider's OpenAPI file, with absolute `servers[].url` reduced to their path (`Openapi3Anonymiser`).
    private static func openAPI(query: String?, provider: XRoadClientID, topology: Topology) async throws(XRoadFault) -> Answer {
        let serviceCode = query.flatMap { text in
            text.split(separator: "&").lazy.compactMap { pair -> String? in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return parts.count == 2 && parts[0] == "serviceCode" ? String(parts[1]).removingPercentEncoding : nil
            }.first
        }
        guard let serviceCode, !serviceCode.isEmpty else {
            throw XRoadFault(.serverProxy("InternalError"), "Missing parameter serviceCode", explain: .metaservice("add ?serviceCode=<code>"))
        }
        guard let service = topology.service(XRoadServiceID(provider: provider, serviceCode: serviceCode)) else {
            throw XRoadFault(.serverProxy("InternalError"), "Service not found", explain: .metaservice("\(provider) has no service '\(serviceCode)'"))
        }
        guard service.type == .openAPI3, let url = service.descriptionURL else {
            throw XRoadFault(.serverProxy("InternalError"), "Invalid service type", explain: .metaservice("\(service.id) has no OpenAPI description"))
        }
        do {
            let response = try await SecurityServer.httpClient.execute(HTTPClientRequest(url: url), timeout: .seconds(Int64(service.timeout)))
            let bytes = try await response.body.collect(upTo: 4 << 20)
            guard response.status == .ok else { throw XRoadFault(.serverProxy("InternalError"), "Could not fetch the description (\(response.status.code))", explain: .metaservice(url)) }
            return Answer(
                status: 200, contentType: response.headers.first(name: "Content-Type") ?? "text/plain",
                body: Array(anonymised(String(buffer: bytes)).utf8))
        } catch let fault as XRoadFault {
            throw fault
        } catch {
            throw XRoadFault(.serverProxy("InternalError"), "Could not fetch the description: \(error)", explain: .metaservice(url))
        }
    }

    /// `url: http://host:port/path` → `url: /path`, in YAML or JSON; a URL with `{variables}` is left alone.
    static func anonymised(_ text: String) -> String {
        let key = #"((?:"url"|\burl)\s*:\s*"?)"#
        let origin = #"https?://[^/"\s,{}]+"#
        var result = text
        for (pattern, template) in [(key + origin + #"(?=/)"#, "$1"), (key + origin + #"(?=["\s,]|$)"#, "$1/")] {
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { continue }
            result = expression.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        return result
    }
}

extension XRoadFault.Explanation {
    static func metaservice(_ reason: String) -> Self {
        .init(
            french: "Métaservice : \(reason). Les métaservices REST sont listMethods, allowedMethods et getOpenAPI?serviceCode=…, en GET.",
            english: "Metaservice: \(reason). The REST metaservices are listMethods, allowedMethods and getOpenAPI?serviceCode=…, with GET.")
    }
}
