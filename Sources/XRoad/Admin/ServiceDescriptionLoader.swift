import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SandboxCore

/// Reads the services out of a service description, as the admin API's `POST …/service-descriptions`
/// does on a real security server: an OpenAPI 3 document gives one service whose URL is `servers[0].url`
/// and whose endpoints are its paths and methods (path templates such as `{id}` become `*`, so that endpoint
/// rights match them); a WSDL gives one service per operation of its bindings, with `xrd:version` and the
/// `soap:address` location; a plain REST URL gives one service at that URL. New services are disabled,
/// with X-Road's default notice and timeout.
enum ServiceDescriptionLoader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let defaultTimeout = 60
    static let defaultDisabledNotice = "Out of order"
    static let maximumDocumentSize = 4 << 20

    static func services(
        of provider: XRoadClientID, url: String, type: Topology.ServiceType, restServiceCode: String?
    ) async throws(Failure) -> [Topology.Service] {
        switch type {
        case .rest:
            return [service(provider, code: try code(restServiceCode), version: nil, url: url, descriptionURL: nil, type: .rest, endpoints: [])]
        case .openAPI3:
            let code = try code(restServiceCode)
            let (baseURL, endpoints) = try openAPI(try await download(url), from: url)
            return [service(provider, code: code, version: nil, url: baseURL, descriptionURL: url, type: .openAPI3, endpoints: endpoints)]
        case .wsdl:
            return try wsdl(try await download(url), from: url).map { operation in
                service(provider, code: operation.code, version: operation.version, url: operation.url, descriptionURL: url, type: .wsdl, endpoints: [])
            }
        }
    }

    private static func service(
        _ provider: XRoadClientID, code: String, version: String?, url: String, descriptionURL: String?, type: Topology.ServiceType, endpoints: [EndpointPattern]
    ) -> Topology.Service {
        Topology.Service(
            id: XRoadServiceID(provider: provider, serviceCode: code, serviceVersion: version), type: type, url: url, descriptionURL: descriptionURL,
            timeout: defaultTimeout, enabled: false, disabledNotice: defaultDisabledNotice, endpoints: endpoints)
    }

    private static func code(_ text: String?) throws(Failure) -> String {
        guard let text, !text.isEmpty else { throw Failure(description: "rest_service_code is required for REST and OPENAPI3 descriptions") }
        if let problem = XRoadIdentifierText.registrationProblem(text) { throw Failure(description: "rest_service_code: \(problem)") }
        return text
    }

    /// GETs the document, refusing redirects, non-2xx answers and oversized bodies.
    static func download(_ url: String) async throws(Failure) -> [UInt8] {
        do {
            let response = try await SecurityServer.httpClient.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: maximumDocumentSize)
            guard (200..<300).contains(response.status.code) else {
                throw Failure(description: "GET \(url.prefix(200)) answered \(response.status.code)")
            }
            return Array(body.readableBytesView)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot download \(url.prefix(200)): \(error)")
        }
    }

    static let openAPIMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static let maximumEndpoints = 999

    static func openAPI(_ bytes: [UInt8], from url: String) throws(Failure) -> (baseURL: String, endpoints: [EndpointPattern]) {
        let document: [String: Any]
        do {
            guard let parsed = try BoundedYAML.load(String(decoding: bytes, as: UTF8.self)) as? [String: Any] else {
                throw Failure(description: "\(url.prefix(200)) is not an OpenAPI document (no top-level mapping)")
            }
            document = parsed
        } catch let failure as Failure {
            throw failure
        } catch let tooLarge as BoundedYAML.TooLarge {
            throw Failure(description: "\(url.prefix(200)) is refused: \(tooLarge)")
        } catch {
            throw Failure(description: "\(url.prefix(200)) is neither YAML nor JSON: \(error)")
        }
        guard let version = document["openapi"] as? String, version.hasPrefix("3.") else {
            throw Failure(description: "\(url.prefix(200)) is not OpenAPI 3 (its 'openapi' field must be 3.x; Swagger 2 is not supported, as in X-Road)")
        }
        guard let servers = document["servers"] as? [[String: Any]], let baseURL = servers.first?["url"] as? String,
            let parsed = URL(string: baseURL), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil
        else {
            throw Failure(description: "\(url.prefix(200)) has no absolute servers[0].url: the security server takes the service URL from it")
        }
        var endpoints: [EndpointPattern] = []
        for (path, item) in (document["paths"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let operations = item as? [String: Any] else { continue }
            let glob = path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("{") && $0.hasSuffix("}") ? "*" : String($0) }.joined(separator: "/")
            for method in openAPIMethods where operations[method] != nil {
                guard let endpoint = try? EndpointPattern(method: method.uppercased(), path: glob) else {
                    throw Failure(description: "\(url.prefix(200)): path '\(path.prefix(200))' cannot be an endpoint")
                }
                endpoints.append(endpoint)
            }
        }
        // Endpoint ids are the description's id × 1000 + the endpoint's index (AdminAPI): past 999 they
        // would name another description's endpoints.
        guard endpoints.count <= maximumEndpoints else {
            throw Failure(description: "\(url.prefix(200)) has \(endpoints.count) operations; a service description may have at most \(maximumEndpoints)")
        }
        return (baseURL, endpoints)
    }

    struct Operation: Equatable {
        let code: String
        let version: String?
        let url: String
    }

    static func wsdl(_ bytes: [UInt8], from url: String) throws(Failure) -> [Operation] {
        let root: XMLTreeNode
        do {
            root = try XMLTree.parse(bytes)
        } catch {
            throw Failure(description: "\(url.prefix(200)) is not a readable WSDL: \(error.description)")
        }
        guard root.name == "definitions" else { throw Failure(description: "\(url.prefix(200)) is not a WSDL (its root is <\(root.name)>)") }
        let location = root.children.filter { $0.name == "service" }.flatMap(\.children).filter { $0.name == "port" }
            .flatMap(\.children).first { $0.name == "address" }?.attribute("location")
        guard let location, let parsed = URL(string: location), ["http", "https"].contains(parsed.scheme ?? "") else {
            throw Failure(description: "\(url.prefix(200)) has no http(s) soap:address location: the security server takes the service URL from it")
        }
        var operations: [Operation] = []
        for binding in root.children where binding.name == "binding" {
            for operation in binding.children where operation.name == "operation" {
                guard let name = operation.attribute("name"), XRoadIdentifierText.registrationProblem(name) == nil else { continue }
                let version = operation.child("version")?.trimmedText
                // A version is the sixth part of a service id: the same characters are forbidden as in the others.
                if let version, !version.isEmpty, let problem = XRoadIdentifierText.registrationProblem(version) {
                    throw Failure(description: "\(url.prefix(200)): operation \(name) has the version '\(version.prefix(100))', which \(problem)")
                }
                let entry = Operation(code: name, version: version?.isEmpty == false ? version : nil, url: location)
                if !operations.contains(entry) { operations.append(entry) }
            }
        }
        guard !operations.isEmpty else { throw Failure(description: "\(url.prefix(200)) declares no operation in a wsdl:binding") }
        return operations
    }
}
