import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// The security server's admin REST API, the subset trainees script (reference §4.4, API 2.1.0): clients,
/// service descriptions (enable / disable), services (URL, timeout) and access rights at service and
/// endpoint level, with the real paths and snake_case JSON, so that scripts carry over to a real server.
/// Authentication as the real one: `Authorization: X-Road-ApiKey token=<key>`, the key being the sandbox's
/// admin token. Served under `/api/v1` on the client side (the real server uses port 4000, which is the
/// sandbox overview's). Identifiers are `INSTANCE:CLASS:CODE[:SUB[:SERVICE]]`, `:` encoded as `%3A` in paths.
struct AdminAPI {
    let server: SecurityServer
    let token: String

    func add(to router: Router<SandboxRequestContext>) {
        let group = router.group("api/v1").add(middleware: APIKeyMiddleware(token: token))
        group.get("clients", use: clients)
        group.get("clients/:id/service-descriptions", use: serviceDescriptions)
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
        let status = "REGISTERED"
        let connectionType = "HTTP"
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

    // MARK: Handlers

    @Sendable func clients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let topology = server.topology
        let definition = server.definition
        return try Self.json(definition.clients.map { client in
            ClientDocument(
                id: client.adminID, instanceId: client.instance, memberClass: client.memberClass, memberCode: client.memberCode,
                subsystemCode: client.subsystemCode, memberName: topology.members.first { $0.id == client.member }?.name ?? client.memberCode,
                owner: client.member == definition.id.owner)
        })
    }

    @Sendable func serviceDescriptions(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let client = try clientID(context)
        return try Self.json(descriptions().filter { $0.clientId == client.adminID })
    }

    @Sendable func enable(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let service = try described(context)
        try server.configuration.setEnabled(service.id, true, notice: nil)
        return Response(status: .noContent)
    }

    @Sendable func disable(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        struct Body: Decodable {
            let disabledNotice: String?
            enum CodingKeys: String, CodingKey { case disabledNotice = "disabled_notice" }
        }
        let service = try described(context)
        let body = try? await request.decode(as: Body.self, context: context)
        if let notice = body?.disabledNotice, notice.count > 255 {
            throw Problem.badRequest(field: "disabled_notice", detail: "at most 255 characters")
        }
        try server.configuration.setEnabled(service.id, false, notice: body?.disabledNotice)
        return Response(status: .noContent)
    }

    @Sendable func service(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try Self.json(document(try hostedService(context)))
    }

    @Sendable func updateService(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        struct Body: Decodable {
            let url: String?
            let timeout: Int?
        }
        let service = try hostedService(context)
        let body = try await request.decode(as: Body.self, context: context)
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
        try server.configuration.grant(try await subjects(in: request, context: context), on: service.id)
        return try Self.json(subjects(of: service.id, endpoint: .wholeService), status: .created)
    }

    @Sendable func removeServiceClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let service = try hostedService(context)
        try server.configuration.revoke(try await subjects(in: request, context: context), on: service.id)
        return Response(status: .noContent)
    }

    @Sendable func endpointClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (service, endpoint) = try self.endpoint(context)
        return try Self.json(subjects(of: service.id, endpoint: endpoint))
    }

    @Sendable func addEndpointClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (service, endpoint) = try self.endpoint(context)
        try server.configuration.grant(try await subjects(in: request, context: context), on: service.id, endpoint: endpoint)
        return try Self.json(subjects(of: service.id, endpoint: endpoint), status: .created)
    }

    @Sendable func removeEndpointClients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let (service, endpoint) = try self.endpoint(context)
        try server.configuration.revoke(try await subjects(in: request, context: context), on: service.id, endpoint: endpoint)
        return Response(status: .noContent)
    }

    // MARK: Lookups

    private func parameter(_ context: SandboxRequestContext, _ name: String = "id") -> String {
        (context.parameters.get(name) ?? "").removingPercentEncoding ?? ""
    }

    private func clientID(_ context: SandboxRequestContext) throws -> XRoadClientID {
        let text = parameter(context)
        guard let client = try? XRoadClientID.parse(text.replacingOccurrences(of: ":", with: "/")), server.definition.clients.contains(client) else {
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

    /// Service descriptions have numeric ids: one per hosted service, in topology order.
    private func described(_ context: SandboxRequestContext) throws -> Topology.Service {
        let hosted = server.configuration.hostedServices
        guard let number = Int(parameter(context)), hosted.indices.contains(number - 1) else {
            throw Problem.notFound(what: "service description", id: String(parameter(context).prefix(20)))
        }
        return hosted[number - 1]
    }

    /// Endpoints have numeric ids across the hosted services: `(description id × 1000) + index`.
    private func endpoint(_ context: SandboxRequestContext) throws -> (Topology.Service, EndpointPattern) {
        let hosted = server.configuration.hostedServices
        guard let number = Int(parameter(context)), hosted.indices.contains(number / 1000 - 1) else {
            throw Problem.notFound(what: "endpoint", id: String(parameter(context).prefix(20)))
        }
        let service = hosted[number / 1000 - 1]
        guard service.endpoints.indices.contains(number % 1000) else { throw Problem.notFound(what: "endpoint", id: "\(number)") }
        return (service, service.endpoints[number % 1000])
    }

    private func descriptions() -> [DescriptionDocument] {
        server.configuration.hostedServices.enumerated().map { index, service in
            DescriptionDocument(
                id: "\(index + 1)", url: service.descriptionURL ?? service.url, type: service.type.rawValue, disabled: !service.enabled,
                disabledNotice: service.disabledNotice, clientId: service.id.provider.adminID, services: [document(service)])
        }
    }

    private func document(_ service: Topology.Service) -> ServiceDocument {
        let number = (server.configuration.hostedServices.firstIndex { $0.id == service.id } ?? 0) + 1
        return ServiceDocument(
            id: service.id.adminID, fullServiceCode: service.id.serviceCode + (service.id.serviceVersion.map { ".\($0)" } ?? ""),
            serviceCode: service.id.serviceCode, timeout: service.timeout, url: service.url,
            endpoints: service.endpoints.enumerated().map { offset, endpoint in
                EndpointDocument(id: "\(number * 1000 + offset)", serviceCode: service.id.serviceCode, method: endpoint.method, path: endpoint.path, generated: true)
            })
    }

    private func subjects(of service: XRoadServiceID, endpoint: EndpointPattern) -> [ServiceClientDocument] {
        server.topology.accessRights.filter { $0.service == service && $0.endpoint == endpoint }.map {
            ServiceClientDocument(id: $0.subject.adminID, serviceClientType: $0.subject.objectType)
        }
    }

    /// `{"items":[{"id":"BJ-SANDBOX:COM:…:SUB","service_client_type":"SUBSYSTEM"}]}`, each a known member or subsystem.
    private func subjects(in request: Request, context: SandboxRequestContext) async throws -> [XRoadClientID] {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let items = try? decoder.decode(Items.self, from: Data(buffer.readableBytesView)), !items.items.isEmpty else {
            throw Problem.badRequest(field: "items", detail: #"give {"items":[{"id":"BJ-SANDBOX:CLASS:CODE:SUBSYSTEM","service_client_type":"SUBSYSTEM"}]}"#)
        }
        return try items.items.enumerated().map { index, item in
            guard let subject = try? XRoadClientID.parse(item.id.replacingOccurrences(of: ":", with: "/")), server.topology.knows(subject) else {
                throw Problem.badRequest(field: "items[\(index)].id", detail: "'\(item.id.prefix(100))' is not a member or subsystem of the instance (GET /listClients)")
            }
            return subject
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
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
