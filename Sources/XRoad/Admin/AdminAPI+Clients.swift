import Foundation
import HTTPTypes
import Hummingbird
import SandboxCore

/// Clients and service descriptions: what a trainee does first on a real security server, adding their
/// application's subsystem, registering it, then publishing a service from its OpenAPI or WSDL.
extension AdminAPI {
    struct ClientAdd: Decodable {
        struct Client: Decodable {
            let memberClass: String
            let memberCode: String
            let subsystemCode: String?
            let connectionType: String?
            let subsystemName: String?
        }
        let client: Client
        let ignoreWarnings: Bool?
    }

    struct ServiceDescriptionAdd: Decodable {
        let url: String
        let type: String
        let restServiceCode: String?
        let ignoreWarnings: Bool?
    }

    static let connectionTypes = ["HTTP", "HTTPS", "HTTPS_NO_AUTH"]

    @Sendable func clients(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try Self.json(server.configuration.clients.map(document))
    }

    @Sendable func client(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try Self.json(document(try localClient(context)))
    }

    /// `POST /clients`: a subsystem of a member of the instance becomes a client of this server, `SAVED`
    /// until it is registered.
    @Sendable func addClient(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await Self.decode(ClientAdd.self, from: request)
        let topology = server.topology
        guard topology.memberClasses.contains(where: { $0.code == body.client.memberClass }) else {
            throw Problem.badRequest(
                field: "client.member_class",
                detail: "'\(body.client.memberClass.prefix(50))' is not a member class of \(topology.instance) (\(topology.memberClasses.map(\.code).joined(separator: ", ")))")
        }
        let member = XRoadClientID(instance: topology.instance, memberClass: body.client.memberClass, memberCode: body.client.memberCode)
        guard topology.members.contains(where: { $0.id == member }) else {
            throw Problem.badRequest(
                field: "client.member_code",
                detail: "\(member.adminID.prefix(200)) is not a member of the instance; members are declared in Fixtures/topology.yaml (GET /listClients lists them)")
        }
        guard let subsystem = body.client.subsystemCode else {
            throw Problem.badRequest(field: "client.subsystem_code", detail: "give the subsystem to add: in the sandbox, members join a server through the topology file")
        }
        if let problem = XRoadIdentifierText.registrationProblem(subsystem) { throw Problem.badRequest(field: "client.subsystem_code", detail: problem) }
        let connectionType = body.client.connectionType ?? "HTTP"
        guard Self.connectionTypes.contains(connectionType) else {
            throw Problem.badRequest(field: "client.connection_type", detail: "one of \(Self.connectionTypes.joined(separator: ", "))")
        }
        let id = XRoadClientID(instance: member.instance, memberClass: member.memberClass, memberCode: member.memberCode, subsystemCode: subsystem)
        if let elsewhere = topology.securityServers(hosting: id).first(where: { $0.name != server.name }), body.ignoreWarnings != true {
            throw Problem.conflict(detail: "\(id.adminID) is already registered on \(elsewhere.name); give \"ignore_warnings\": true to add it here too")
        }
        do {
            try server.configuration.addClient(id, connectionType: connectionType, subsystemName: body.client.subsystemName.map { String($0.prefix(200)) })
        } catch let conflict as SecurityServerConfiguration.Conflict {
            throw Problem.conflict(detail: conflict.description)
        }
        // Read back: a concurrent DELETE may already have removed it.
        guard let added = server.configuration.client(id) else { throw Problem.notFound(what: "client", id: id.adminID) }
        return try Self.json(document(added), status: .created)
    }

    /// `PUT /clients/{id}/register`: a `clientReg` request to the central server, which approves it at once.
    @Sendable func register(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let client = try localClient(context)
        guard client.status == .saved else {
            throw Problem.conflict(detail: "\(client.id.adminID) is \(client.status.rawValue); only a SAVED client can be registered")
        }
        try await sendToCentralServer("clientReg", client)
        try server.configuration.setStatus(client.id, .registered)
        return Response(status: .noContent)
    }

    /// `PUT /clients/{id}/unregister`: a `clientDeletion` request; the client can then be deleted.
    @Sendable func unregister(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let client = try localClient(context)
        guard client.status == .registered || client.status == .registrationInProgress else {
            throw Problem.conflict(detail: "\(client.id.adminID) is \(client.status.rawValue); only a registered client can be unregistered")
        }
        guard client.id.member != server.definition.id.owner || client.id.subsystemCode != nil else {
            throw Problem.conflict(detail: "the owner member of \(server.name) cannot be unregistered")
        }
        try await sendToCentralServer("clientDeletion", client)
        try server.configuration.setStatus(client.id, .deletionInProgress)
        return Response(status: .noContent)
    }

    @Sendable func deleteClient(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let client = try localClient(context)
        guard client.status == .saved || client.status == .deletionInProgress else {
            throw Problem.conflict(detail: "\(client.id.adminID) is \(client.status.rawValue): unregister it first (PUT /api/v1/clients/\(client.id.adminID)/unregister)")
        }
        try server.configuration.deleteClient(client.id)
        return Response(status: .noContent)
    }

    private func sendToCentralServer(_ request: String, _ client: SecurityServerConfiguration.LocalClient) async throws {
        guard let central = server.central else { return }
        do {
            try await central.send(request, client: client.id, name: client.subsystemName, server: server.name)
        } catch {
            throw Problem(status: .badGateway, slug: "central-server", title: "Central server unavailable", detail: error.description)
        }
    }

    private func document(_ client: SecurityServerConfiguration.LocalClient) -> ClientDocument {
        ClientDocument(
            id: client.id.adminID, instanceId: client.id.instance, memberClass: client.id.memberClass, memberCode: client.id.memberCode,
            subsystemCode: client.id.subsystemCode, memberName: server.topology.name(of: client.id.member) ?? client.id.memberCode,
            owner: client.id.member == server.definition.id.owner && client.id.subsystemCode == nil, status: client.status.rawValue,
            connectionType: client.connectionType)
    }

    // MARK: Service descriptions

    @Sendable func serviceDescriptions(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let client = try localClient(context)
        return try Self.json(server.configuration.descriptions.filter { $0.client == client.id }.map(document))
    }

    /// `POST /clients/{id}/service-descriptions`: downloads and reads the description, adds its services disabled.
    @Sendable func addServiceDescription(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let client = try localClient(context)
        let body = try await Self.decode(ServiceDescriptionAdd.self, from: request)
        guard let type = Topology.ServiceType(rawValue: body.type) else {
            throw Problem.badRequest(field: "type", detail: "one of \(Topology.ServiceType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard body.url.count <= 2048, let url = URL(string: body.url), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw Problem.badRequest(field: "url", detail: "'\(body.url.prefix(200))' is not an http(s) URL")
        }
        let services: [Topology.Service]
        do {
            services = try await ServiceDescriptionLoader.services(of: client.id, url: body.url, type: type, restServiceCode: body.restServiceCode)
        } catch {
            throw Problem.badRequest(field: error.description.hasPrefix("rest_service_code") ? "rest_service_code" : "url", detail: error.description)
        }
        let id: Int
        do {
            id = try server.configuration.addDescription(client: client.id, url: body.url, type: type, services: services)
        } catch let conflict as SecurityServerConfiguration.Conflict {
            throw Problem.conflict(detail: conflict.description)
        }
        guard let added = server.configuration.descriptions.first(where: { $0.id == id }) else {
            throw Problem.notFound(what: "service description", id: "\(id)")
        }
        return try Self.json(document(added), status: .created)
    }

    @Sendable func serviceDescription(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try Self.json(document(try description(context)))
    }

    @Sendable func describedServices(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try Self.json(try description(context).services.map(document))
    }

    @Sendable func deleteServiceDescription(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let description = try description(context)
        guard !description.seeded else {
            throw Problem.conflict(detail: "service description \(description.id) comes from Fixtures/topology.yaml; disable it instead (PUT /api/v1/service-descriptions/\(description.id)/disable)")
        }
        try server.configuration.deleteDescription(description.id)
        return Response(status: .noContent)
    }

    @Sendable func enable(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let description = try description(context)
        try server.configuration.setEnabled(description.services.map(\.id), true, notice: nil)
        return Response(status: .noContent)
    }

    @Sendable func disable(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        struct Body: Decodable {
            let disabledNotice: String?
        }
        let description = try description(context)
        let body = try? await Self.decode(Body.self, from: request)
        if let notice = body?.disabledNotice, notice.count > 255 {
            throw Problem.badRequest(field: "disabled_notice", detail: "at most 255 characters")
        }
        try server.configuration.setEnabled(description.services.map(\.id), false, notice: body?.disabledNotice)
        return Response(status: .noContent)
    }
}
