import Foundation

/// The part of the global configuration that changes while the sandbox runs: which subsystems exist and
/// which security server each is registered on. The central server publishes it (`GET /globalconf`) and
/// every security server downloads it, as real servers download the shared parameters (PR-GCONF) — here as
/// plain JSON, without the signed multipart directory, since nobody outside the sandbox reads it.
/// Members, member classes and services stay in `Fixtures/topology.yaml`: the first are the instance's
/// governance, the last are each provider server's own business.
public struct GlobalConfigurationDocument: Codable, Sendable, Equatable {
    public struct Subsystem: Codable, Sendable, Equatable {
        /// `INSTANCE:CLASS:CODE:SUBSYSTEM`, as the admin API writes client ids.
        public let id: String
        public let name: String
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public struct Server: Codable, Sendable, Equatable {
        /// The sandbox's short name, `ss-arcep`.
        public let name: String
        /// Client ids registered on the server, `INSTANCE:CLASS:CODE[:SUBSYSTEM]`.
        public let clients: [String]
        public init(name: String, clients: [String]) {
            self.name = name
            self.clients = clients
        }
    }

    /// Grows by one with every approved registration or deletion; a server applies a newer one only.
    public let version: Int
    public let instance: String
    public let subsystems: [Subsystem]
    public let securityServers: [Server]

    public init(version: Int, instance: String, subsystems: [Subsystem], securityServers: [Server]) {
        self.version = version
        self.instance = instance
        self.subsystems = subsystems
        self.securityServers = securityServers
    }
}

extension Topology {
    /// The topology with the subsystems and registrations of `document`. Entries that do not fit the
    /// topology (another instance, an undeclared member or server) are left out rather than trusted.
    public func applying(_ document: GlobalConfigurationDocument) -> Topology {
        guard document.instance == instance else { return self }
        func parse(_ id: String) -> XRoadClientID? {
            guard let client = try? XRoadClientID.parse(id.replacingOccurrences(of: ":", with: "/")), client.instance == instance else { return nil }
            return client
        }
        var added: [XRoadClientID: [Subsystem]] = [:]
        for entry in document.subsystems {
            guard let id = parse(entry.id), id.subsystemCode != nil, !knows(id) else { continue }
            added[id.member, default: []].append(Subsystem(id: id, name: String(entry.name.prefix(200))))
        }
        let members = members.map { member in
            Member(id: member.id, name: member.name, subsystems: member.subsystems + (added[member.id] ?? []))
        }
        let known = Set(members.flatMap { [$0.id] + $0.subsystems.map(\.id) })
        let registrations = Dictionary(document.securityServers.map { ($0.name, $0.clients) }, uniquingKeysWith: { first, _ in first })
        let servers = securityServers.map { server in
            guard let clients = registrations[server.name] else { return server }
            return SecurityServer(
                name: server.name, id: server.id, clients: clients.compactMap(parse).filter(known.contains), messageLog: server.messageLog)
        }
        return Topology(
            instance: instance, memberClasses: memberClasses, members: members, securityServers: servers, services: services,
            accessRights: accessRights)
    }

    /// The topology's own registrations as a document (version 0), what the central server starts from.
    public var globalConfigurationDocument: GlobalConfigurationDocument {
        GlobalConfigurationDocument(
            version: 0, instance: instance,
            subsystems: members.flatMap { member in member.subsystems.map { .init(id: $0.id.adminID, name: $0.name) } },
            securityServers: securityServers.map { .init(name: $0.name, clients: $0.clients.map(\.adminID)) })
    }
}
