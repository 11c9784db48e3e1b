import Foundation

/// The X-Road instance as the sandbox's global configuration describes it (`Fixtures/topology.yaml`):
/// members and subsystems, security servers and the clients registered on them, services, access rights.
/// Built by ``TopologyLoader``, which checks every reference, so the queries below never meet a dangling id.
public struct Topology: Sendable {
    public struct MemberClass: Sendable, Equatable {
        public let code: String
        public let description: String
    }

    public struct Member: Sendable, Equatable {
        public let id: XRoadClientID
        public let name: String
        public let subsystems: [Subsystem]
    }

    public struct Subsystem: Sendable, Equatable {
        public let id: XRoadClientID
        public let name: String
    }

    public struct SecurityServer: Sendable, Equatable {
        /// The sandbox's short name, `ss-arcep`.
        public let name: String
        public let id: SecurityServerID
        public let clients: [XRoadClientID]
        public let messageLog: MessageLogSettings
    }

    /// How a security server keeps its message log.
    public struct MessageLogSettings: Sendable, Equatable {
        /// Seconds between batch timestamps; 0 stamps every record at once (X-Road's `timestamp-immediately`).
        public let timestampInterval: Int
        /// Clients whose records keep metadata only (no message body), as `message-body-logging` per subsystem.
        public let metadataOnly: [XRoadClientID]
    }

    public enum ServiceType: String, Sendable, Codable, CaseIterable {
        case rest = "REST"
        case openAPI3 = "OPENAPI3"
        case wsdl = "WSDL"

        public var isREST: Bool { self != .wsdl }
    }

    public struct Service: Sendable, Equatable {
        public let id: XRoadServiceID
        public let type: ServiceType
        /// The backend base URL the provider security server calls.
        public let url: String
        /// Where the OpenAPI description or WSDL is.
        public let descriptionURL: String?
        /// Seconds; X-Road gives new services 60.
        public let timeout: Int
        public let enabled: Bool
        public let disabledNotice: String
        /// Endpoints declared for the service (REST), for endpoint-level rights and `listMethods`.
        public let endpoints: [EndpointPattern]
    }

    public struct AccessRight: Sendable, Equatable {
        public let subject: XRoadClientID
        public let service: XRoadServiceID
        public let endpoint: EndpointPattern
    }

    public let instance: String
    public let memberClasses: [MemberClass]
    public let members: [Member]
    public let securityServers: [SecurityServer]
    public let services: [Service]
    public let accessRights: [AccessRight]

    public func securityServer(named name: String) -> SecurityServer? { securityServers.first { $0.name == name } }

    /// The security servers a client is registered on (normally one).
    public func securityServers(hosting client: XRoadClientID) -> [SecurityServer] {
        securityServers.filter { $0.clients.contains(client) }
    }

    public func service(_ id: XRoadServiceID) -> Service? {
        services.first { $0.id.provider == id.provider && $0.id.serviceCode == id.serviceCode }
    }

    /// Whether a subsystem or member exists in the instance.
    public func knows(_ client: XRoadClientID) -> Bool {
        members.contains { member in member.id == client || member.subsystems.contains { $0.id == client } }
    }

    /// Display name of a member or subsystem, for `listClients`.
    public func name(of client: XRoadClientID) -> String? {
        for member in members {
            if member.id == client { return member.name }
            if let subsystem = member.subsystems.first(where: { $0.id == client }) { return subsystem.name }
        }
        return nil
    }
}
