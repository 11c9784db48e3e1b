import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// The security server's admin REST API, the subset trainees script (reference §4.4, API 2.1.0): clients
/// (list, add, register, unregister, delete), service descriptions (add from an OpenAPI, WSDL or REST URL,
/// enable, disable, delete), services (URL, timeout) and access rights at service and endpoint level, with
/// the real paths and snake_case JSON, so that scripts carry over to a real server. Registrations go to the
/// sandbox's central server, which approves them at once. Authentication as the real one:
/// `Authorization: X-Road-ApiKey token=<key>`, the key being the sandbox's admin token. Served under
/// `/api/v1` on the client side (the real server uses port 4000, which is the sandbox overview's).
/// Identifiers are `INSTANCE:CLASS:CODE[:SUB[:SERVICE]]`, `:` encoded as `%3A` in paths.
struct AdminAPI {
    let server: SecurityServer
    let token: String

    func add(to router: Router<SandboxRequestContext>) {
        let group = router.group("api/v1").add(middleware: APIKeyMiddleware(token: token))
        group.get("clients", use: clients)
        group.post("clients", use: addClient)
        group.get("clients/:id", use: client)
        group.delete("clients/:id", use: deleteClient)
        group.put("clients/:id/register", use: register)
        group.put("clients/:id/unregister", use: unregister)
        group.get("clients/:id/service-descriptions", use: serviceDescriptions)
        group.post("clients/:id/service-descriptions", use: addServiceDescription)
        group.get("service-descriptions/:id", use: serviceDescription)
        group.delete("service-descriptions/:id", use: deleteServiceDescription)
        group.get("service-descriptions/:id/services", use: describedServices)
        group.put("service-descriptions/:id/enable", use: enable)
        group.put("service-descriptions/:id/disable", use: disable)
        group.get("services/:id", use: service)
        group.patch("services/:id", use: updateService)
        group.get("services/:id/service-clients", use: serviceClients)
        group.post("services/:id/service-clients", use: addServiceClients)
        group.post("services/:id/service-clients/delete", use: removeServiceClients)
        group.get("endpoints/:id/service-clients", use: endpointClients)
        group.post("endpoints/:id/service-clients", use: addEndpointClients)
        group.post("endpoints/:id/service-clients/delete", use: removeEndpointClients)
    }

    // MARK: Shapes (snake_case on the wire)

    struct ClientDocument: Encodable {
        let id: String
        let instanceId: String
        let memberClass: String
        let memberCode: String
        let subsystemCode: String?
        let memberName: String
        let owner: Bool
        let status: String
        let connectionType: String
    }

    struct EndpointDocument: Encodable {
        let id: String
        let serviceCode: String
        let method: String
        let path: String
        let generated: Bool
    }

    struct ServiceDocument: Encodable {
        let id: String
        let fullServiceCode: String
        let serviceCode: String
        let timeout: Int
        let url: String
        let sslAuth = false
        let endpoints: [EndpointDocument]
    }

    struct DescriptionDocument: Encodable {
        let id: String
        let url: String
        let type: String
        let disabled: Bool
        let disabledNotice: String
        let refreshedAt: String
        let clientId: String
        let services: [ServiceDocument]
    }

    struct ServiceClientDocument: Codable {
        let id: String
        let serviceClientType: String
    }

    struct Items: Decodable {
        let items: [ServiceClientDocument]
    }

    // MARK: Services and access rights

    @Sendable func service(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try Self.json(document(try hostedService(context)))
    }

    @Sendable func updateService(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        struct Body: Decodable {
            let url: String?
            let timeout: Int?
        }
        let service = try hostedService(context)
        let body = try await Self.decode(Body.self, from: request)
        if let url = body.url {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw Problem.badRequest(field: "url", detail: "'\(url.prefix(200))' is not an http(s) URL")
            }
        }
        if let timeout = body.timeout, !(1...3600).contains(timeout) {
            throw Problem.badRequest(field: "timeout", detail: "the timeout is 1 to 3600 seconds")
        }
        try server.configuration.updateService(service.id, url: body.url, timeout: body.timeout)
        return try Self.json(document(try hostedService(context)))
    }

    @Sendable func serviceClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let service = try hostedService(context)
        return try Self.json(subjects(of: service.id, endpoint: .wholeService))
    }

    @Sendable func addServiceClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let service = try hostedService(context)
        try server.configuration.grant(try await subjects(in: request), on: service.id)
        return try Self.json(subjects(of: service.id, endpoint: .wholeService), status: .created)
    }

    @Sendable func removeServiceClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let service = try hostedService(context)
        try server.configuration.revoke(try await subjects(in: request), on: service.id)
        return Response(status: .noContent)
    }

    @Sendable func endpointClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (service, endpoint) = try self.endpoint(context)
        return try Self.json(subjects(of: service.id, endpoint: endpoint))
    }

    @Sendable func addEndpointClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (service, endpoint) = try self.endpoint(context)
        try server.configuration.grant(try await subjects(in: request), on: service.id, endpoint: endpoint)
        return try Self.json(subjects(of: service.id, endpoint: endpoint), status: .created)
    }

    @Sendable func removeEndpointClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (service, endpoint) = try self.endpoint(context)
        try server.configuration.revoke(try await subjects(in: request), on: service.id, endpoint: endpoint)
        return Response(status: .noContent)
    }

    // MARK: Lookups

    func parameter(_ context: SandboxRequestContext, _ name: String = "id") -> String {
        (context.parameters.get(name) ?? "").removingPercentEncoding ?? ""
    }

    /// A client of this server, by its `INSTANCE:CLASS:CODE[:SUB]` id.
    func localClient(_ context: SandboxRequestContext) throws -> SecurityServerConfiguration.LocalClient {
        let text = parameter(context)
        guard let id = SecurityServerConfiguration.clientID(text), let client = server.configuration.client(id) else {
            throw Problem.notFound(what: "client", id: String(text.prefix(100)))
        }
        return client
    }

    private func hostedService(_ context: SandboxRequestContext) throws -> Topology.Service {
        let text = parameter(context)
        guard let service = server.configuration.hostedServices.first(where: { $0.id.adminID == text || $0.id.provider.adminID + ":" + $0.id.serviceCode == text }) else {
            throw Problem.notFound(what: "service", id: String(text.prefix(100)))
        }
        return service
    }

    func description(_ context: SandboxRequestContext) throws -> SecurityServerConfiguration.ServiceDescription {
        guard let number = Int(parameter(context)), let description = server.configuration.descriptions.first(where: { $0.id == number }) else {
            throw Problem.notFound(what: "service description", id: String(parameter(context).prefix(20)))
        }
        return description
    }

    /// Endpoints have numeric ids: `(description id × 1000) + index` among the service's endpoints.
    private func endpoint(_ context: SandboxRequestContext) throws -> (Topology.Service, EndpointPattern) {
        let text = parameter(context)
        guard let number = Int(text), let description = server.configuration.descriptions.first(where: { $0.id == number / 1000 }) else {
            throw Problem.notFound(what: "endpoint", id: String(text.prefix(20)))
        }
        var index = number % 1000
        for service in description.services {
            if service.endpoints.indices.contains(index) { return (service, service.endpoints[index]) }
            index -= service.endpoints.count
        }
        throw Problem.notFound(what: "endpoint", id: "\(number)")
    }

    func document(_ description: SecurityServerConfiguration.ServiceDescription) -> DescriptionDocument {
        DescriptionDocument(
            id: "\(description.id)", url: description.url, type: description.type.rawValue, disabled: !description.enabled,
            disabledNotice: description.services.first?.disabledNotice ?? ServiceDescriptionLoader.defaultDisabledNotice,
            refreshedAt: description.refreshedAt, clientId: description.client.adminID, services: description.services.map(document))
    }

    func document(_ service: Topology.Service) -> ServiceDocument {
        let description = server.configuration.descriptions.first { $0.services.contains { $0.id == service.id } }
        let offset = description.map { description in
            description.services.prefix { $0.id != service.id }.map(\.endpoints.count).reduce(0, +)
        } ?? 0
        return ServiceDocument(
            id: service.id.adminID, fullServiceCode: service.id.serviceCode + (service.id.serviceVersion.map { ".\($0)" } ?? ""),
            serviceCode: service.id.serviceCode, timeout: service.timeout, url: service.url,
            endpoints: service.endpoints.enumerated().map { index, endpoint in
                EndpointDocument(
                    id: "\((description?.id ?? 0) * 1000 + offset + index)", serviceCode: service.id.serviceCode, method: endpoint.method, path: endpoint.path,
                    generated: true)
            })
    }

    private func subjects(of service: XRoadServiceID, endpoint: EndpointPattern) -> [ServiceClientDocument] {
        server.topology.accessRights.filter { $0.service == service && $0.endpoint == endpoint }.map {
            ServiceClientDocument(id: $0.subject.adminID, serviceClientType: $0.subject.objectType)
        }
    }

    /// `{"items":[{"id":"BJ-SANDBOX:COM:…:SUB","service_client_type":"SUBSYSTEM"}]}`, each a known member or subsystem.
    private func subjects(in request: Request) async throws -> [XRoadClientID] {
        guard let items = try? await Self.decode(Items.self, from: request), !items.items.isEmpty else {
            throw Problem.badRequest(field: "items", detail: #"give {"items":[{"id":"BJ-SANDBOX:CLASS:CODE:SUBSYSTEM","service_client_type":"SUBSYSTEM"}]}"#)
        }
        var subjects: [XRoadClientID] = []
        for (index, item) in items.items.enumerated() {
            guard let subject = SecurityServerConfiguration.clientID(item.id), await server.knows(subject) else {
                throw Problem.badRequest(field: "items[\(index)].id", detail: "'\(item.id.prefix(100))' is not a member or subsystem of the instance (GET /listClients)")
            }
            subjects.append(subject)
        }
        return subjects
    }

    /// A JSON body in snake_case, at most 1 MiB; a 400 naming the body when it does not decode.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            var path = error.codingPath
            if case .keyNotFound(let key, _) = error { path.append(key) }
            let place = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue.snakeCased)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            throw Problem.badRequest(field: place.isEmpty ? "body" : place, detail: error.plainDescription)
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

extension String {
    /// `disabledNotice` → `disabled_notice`, to name fields as the wire spells them.
    var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }
}

/// `Authorization: X-Road-ApiKey token=…`, compared in constant time; a 401 problem otherwise.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        let prefix = "x-road-apikey token="
        guard header.lowercased().hasPrefix(prefix) else {
            throw Problem.unauthorized(detail: "give Authorization: X-Road-ApiKey token=<the sandbox admin token, printed by sandbox up>")
        }
        let given = Array(header.dropFirst(prefix.count).utf8)
        let expected = Array(token.utf8)
        var difference = given.count ^ expected.count
        for (index, byte) in expected.enumerated() { difference |= Int(byte ^ (index < given.count ? given[index] : 0)) }
        guard difference == 0 else { throw Problem.unauthorized(detail: "the API key is not the sandbox admin token") }
        return try await next(request, context)
    }
}
