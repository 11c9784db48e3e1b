import Foundation
import SandboxCore
import Synchronization

/// A security server's own configuration, kept in its SQLite file (`conf.sqlite`) and changed at run time
/// through the admin API: its clients and their status, the service descriptions of those clients, each
/// service's URL, timeout, enabled flag and notice, and the access rights to them. The topology seeds it at
/// the first start; later starts keep the changes. Merged with the global configuration the central server
/// publishes (who else is registered where) into one ``Topology`` snapshot that requests read without locks
/// held across awaits.
public final class SecurityServerConfiguration: Sendable {
    let database: Database
    let serverName: String
    private let base: Topology
    private let snapshot: Mutex<Snapshot>
    /// The last global configuration downloaded from the central server, if any.
    private let global = Mutex<GlobalConfigurationDocument?>(nil)

    /// What the database holds, read once per change.
    struct Snapshot: Sendable {
        var topology: Topology
        var clients: [LocalClient]
        var descriptions: [ServiceDescription]
    }

    /// A client of this server and where its registration stands (the real statuses).
    public struct LocalClient: Sendable, Equatable {
        public enum Status: String, Sendable {
            case saved = "SAVED"
            case registrationInProgress = "REGISTRATION_IN_PROGRESS"
            case registered = "REGISTERED"
            case deletionInProgress = "DELETION_IN_PROGRESS"
        }
        public let id: XRoadClientID
        public let status: Status
        public let connectionType: String
        public let subsystemName: String?
    }

    /// A service description: the OpenAPI or WSDL document (or REST base URL) a client's services come from.
    public struct ServiceDescription: Sendable {
        public let id: Int
        public let client: XRoadClientID
        public let url: String
        public let type: Topology.ServiceType
        public let refreshedAt: String
        /// Whether it comes from the topology file (then it cannot be deleted through the API).
        public let seeded: Bool
        public let services: [Topology.Service]
        public var enabled: Bool { services.allSatisfy(\.enabled) }
    }

    /// A change that contradicts what is stored (a duplicate, a wrong state): the admin API answers 409.
    public struct Conflict: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    static let migrations = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE service_settings (
                    service TEXT PRIMARY KEY,
                    url TEXT NOT NULL,
                    timeout INTEGER NOT NULL,
                    enabled INTEGER NOT NULL,
                    disabled_notice TEXT NOT NULL
                );
                CREATE TABLE access_rights (
                    subject TEXT NOT NULL,
                    service TEXT NOT NULL,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    PRIMARY KEY (subject, service, method, path)
                );
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """),
        Migration(
            version: 2,
            sql: """
                CREATE TABLE clients (
                    id TEXT PRIMARY KEY,
                    status TEXT NOT NULL,
                    connection_type TEXT NOT NULL,
                    subsystem_name TEXT
                );
                CREATE TABLE service_descriptions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    client TEXT NOT NULL,
                    url TEXT NOT NULL,
                    type TEXT NOT NULL,
                    seeded_service TEXT UNIQUE,
                    refreshed_at TEXT NOT NULL
                );
                CREATE TABLE described_services (
                    service TEXT PRIMARY KEY,
                    description_id INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    endpoints TEXT NOT NULL
                );
                """),
    ]

    public init(url: URL, topology: Topology, serverName: String) throws {
        database = try Database(path: url.path, migrations: Self.migrations)
        base = topology
        self.serverName = serverName
        snapshot = Mutex(Snapshot(topology: topology, clients: [], descriptions: []))
        try seedIfNew()
        try reload()
    }

    /// The configuration as it is now.
    public var current: Topology { snapshot.withLock { $0.topology } }

    /// This server's clients, registered or not, in the order they were added.
    public var clients: [LocalClient] { snapshot.withLock { $0.clients } }

    public var descriptions: [ServiceDescription] { snapshot.withLock { $0.descriptions } }

    /// Services of this server's clients, in description order.
    public var hostedServices: [Topology.Service] { descriptions.flatMap(\.services) }

    public func client(_ id: XRoadClientID) -> LocalClient? { clients.first { $0.id == id } }

    /// Applies a global configuration downloaded from the central server.
    /// - Returns: whether it changed anything.
    @discardableResult
    public func apply(_ document: GlobalConfigurationDocument) throws -> Bool {
        let newer = global.withLock { stored in
            guard document.version > (stored?.version ?? -1) else { return false }
            stored = document
            return true
        }
        if newer { try reload() }
        return newer
    }

    // MARK: Seeding and reading

    private func seedIfNew() throws {
        let seeded = Set(try database.query("SELECT key FROM meta").map { try $0.string("key") })
        let definition = base.securityServer(named: serverName)
        let hosted = base.services.filter { definition?.clients.contains($0.id.provider) == true }
        try database.transaction { transaction in
            if !seeded.contains("seeded") {
                for service in hosted {
                    try transaction.execute(
                        "INSERT INTO service_settings (service, url, timeout, enabled, disabled_notice) VALUES (?, ?, ?, ?, ?)",
                        [.text(service.id.adminID), .text(service.url), .integer(Int64(service.timeout)), .integer(service.enabled ? 1 : 0), .text(service.disabledNotice)])
                }
                for right in base.accessRights where hosted.contains(where: { $0.id == right.service }) {
                    try transaction.execute(
                        "INSERT OR IGNORE INTO access_rights (subject, service, method, path) VALUES (?, ?, ?, ?)",
                        [.text(right.subject.adminID), .text(right.service.adminID), .text(right.endpoint.method), .text(right.endpoint.path)])
                }
                try transaction.execute("INSERT INTO meta (key, value) VALUES ('seeded', ?)", [.text(Self.now())])
            }
            // Clients and descriptions came with version 2 of the file: seeded once, old files included.
            if !seeded.contains("seeded-clients") {
                for client in definition?.clients ?? [] {
                    try transaction.execute(
                        "INSERT OR IGNORE INTO clients (id, status, connection_type, subsystem_name) VALUES (?, 'REGISTERED', 'HTTP', ?)",
                        [.text(client.adminID), base.name(of: client).map { .text($0) } ?? .null])
                }
                for service in hosted {
                    try transaction.execute(
                        "INSERT OR IGNORE INTO service_descriptions (client, url, type, seeded_service, refreshed_at) VALUES (?, ?, ?, ?, ?)",
                        [.text(service.id.provider.adminID), .text(service.descriptionURL ?? service.url), .text(service.type.rawValue), .text(service.id.adminID), .text(Self.now())])
                }
                try transaction.execute("INSERT INTO meta (key, value) VALUES ('seeded-clients', ?)", [.text(Self.now())])
            }
        }
    }

    /// Rebuilds the snapshot from the database, the topology and the last global configuration.
    private func reload() throws {
        let clients = try database.query("SELECT * FROM clients ORDER BY rowid").compactMap { row -> LocalClient? in
            guard let id = Self.clientID(try row.string("id")), let status = LocalClient.Status(rawValue: try row.string("status")) else { return nil }
            return LocalClient(id: id, status: status, connectionType: try row.string("connection_type"), subsystemName: row.optionalString("subsystem_name"))
        }
        let settings = Dictionary(uniqueKeysWithValues: try database.query("SELECT * FROM service_settings").map { row in
            (try row.string("service"), row)
        })
        func configured(_ service: Topology.Service, type: Topology.ServiceType? = nil, descriptionURL: String? = nil) throws -> Topology.Service {
            guard let row = settings[service.id.adminID] else { return service }
            return Topology.Service(
                id: service.id, type: type ?? service.type, url: try row.string("url"), descriptionURL: descriptionURL ?? service.descriptionURL,
                timeout: Int(try row.int("timeout")), enabled: try row.int("enabled") == 1, disabledNotice: try row.string("disabled_notice"),
                endpoints: service.endpoints)
        }

        var described: [Int64: [Topology.Service]] = [:]
        for row in try database.query("SELECT * FROM described_services ORDER BY description_id, position") {
            guard let id = Self.serviceID(try row.string("service")) else { continue }
            let endpoints = (try? JSONDecoder().decode([EndpointPattern].self, from: Data(try row.string("endpoints").utf8))) ?? []
            let placeholder = Topology.Service(id: id, type: .rest, url: "", descriptionURL: nil, timeout: 60, enabled: false, disabledNotice: "", endpoints: endpoints)
            described[try row.int("description_id"), default: []].append(placeholder)
        }
        var descriptions: [ServiceDescription] = []
        for row in try database.query("SELECT * FROM service_descriptions ORDER BY id") {
            guard let client = Self.clientID(try row.string("client")), let type = Topology.ServiceType(rawValue: try row.string("type")) else { continue }
            let id = try row.int("id")
            let url = try row.string("url")
            let services: [Topology.Service]
            if let seeded = row.optionalString("seeded_service") {
                services = try base.services.filter { $0.id.adminID == seeded }.map { try configured($0) }
            } else {
                services = try (described[id] ?? []).map { try configured($0, type: type, descriptionURL: url) }
            }
            descriptions.append(
                ServiceDescription(id: Int(id), client: client, url: url, type: type, refreshedAt: try row.string("refreshed_at"), seeded: row.optionalString("seeded_service") != nil, services: services))
        }
        // This server's word replaces the topology's for its own clients' services and the rights to them.
        let hosted = descriptions.flatMap(\.services)
        let local = Set(clients.map(\.id))
        let services = base.services.filter { !local.contains($0.id.provider) } + hosted

        var rights = base.accessRights.filter { !local.contains($0.service.provider) }
        for row in try database.query("SELECT * FROM access_rights ORDER BY rowid") {
            let serviceText = try row.string("service")
            guard let service = hosted.first(where: { $0.id.adminID == serviceText }), let subject = Self.clientID(try row.string("subject")),
                let endpoint = try? EndpointPattern(method: try row.string("method"), path: try row.string("path"))
            else { continue }
            rights.append(Topology.AccessRight(subject: subject, service: service.id, endpoint: endpoint))
        }

        // Who is registered where: the central server's word for the other servers, this server's own
        // database for itself (a registration it just made counts before the next download).
        let global = global.withLock { $0 } ?? base.globalConfigurationDocument
        let registered = clients.filter { $0.status == .registered }
        var subsystems = global.subsystems
        for client in clients where client.id.subsystemCode != nil && !subsystems.contains(where: { $0.id == client.id.adminID }) {
            subsystems.append(.init(id: client.id.adminID, name: client.subsystemName ?? client.id.subsystemCode ?? ""))
        }
        let servers = base.securityServers.map { server in
            server.name == serverName
                ? GlobalConfigurationDocument.Server(name: server.name, clients: registered.map(\.id.adminID))
                : global.securityServers.first { $0.name == server.name } ?? .init(name: server.name, clients: server.clients.map(\.adminID))
        }
        let withServices = Topology(
            instance: base.instance, memberClasses: base.memberClasses, members: base.members, securityServers: base.securityServers,
            services: services, accessRights: rights)
        let topology = withServices.applying(
            GlobalConfigurationDocument(version: global.version, instance: base.instance, subsystems: subsystems, securityServers: servers))
        snapshot.withLock { $0 = Snapshot(topology: topology, clients: clients, descriptions: descriptions) }
    }

    static func clientID(_ adminID: String) -> XRoadClientID? { try? XRoadClientID.parse(adminID.replacingOccurrences(of: ":", with: "/")) }
    /// `INSTANCE:CLASS:CODE:SUBSYSTEM:SERVICE[:VERSION]`.
    static func serviceID(_ adminID: String) -> XRoadServiceID? {
        let parts = adminID.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 || parts.count == 6, let provider = clientID(parts[0...3].joined(separator: ":")), !parts[4].isEmpty else { return nil }
        return XRoadServiceID(provider: provider, serviceCode: parts[4], serviceVersion: parts.count == 6 ? parts[5] : nil)
    }
    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    // MARK: Clients (admin API)

    public func addClient(_ id: XRoadClientID, connectionType: String, subsystemName: String?) throws {
        do {
            try database.execute(
                "INSERT INTO clients (id, status, connection_type, subsystem_name) VALUES (?, 'SAVED', ?, ?)",
                [.text(id.adminID), .text(connectionType), subsystemName.map { .text($0) } ?? .null])
        } catch let error as DatabaseError where error.isConstraintViolation {
            throw Conflict(description: "\(id.adminID) is already a client of \(serverName)")
        }
        try reload()
    }

    public func setStatus(_ id: XRoadClientID, _ status: LocalClient.Status) throws {
        try database.execute("UPDATE clients SET status = ? WHERE id = ?", [.text(status.rawValue), .text(id.adminID)])
        try reload()
    }

    /// Removes a client that is not registered, with its descriptions, services and the rights to them.
    public func deleteClient(_ id: XRoadClientID) throws {
        try database.transaction { transaction in
            let descriptionIDs = try transaction.query("SELECT id FROM service_descriptions WHERE client = ?", [.text(id.adminID)]).map { try $0.int("id") }
            for description in descriptionIDs { try Self.deleteDescription(description, in: transaction) }
            try transaction.execute("DELETE FROM clients WHERE id = ?", [.text(id.adminID)])
        }
        try reload()
    }

    // MARK: Service descriptions (admin API)

    /// Adds a description with its services, disabled as X-Road adds them, each with its endpoints.
    /// - Throws: ``Conflict`` when the client already has the URL or one of the service codes.
    /// - Returns: the new description's id.
    public func addDescription(client: XRoadClientID, url: String, type: Topology.ServiceType, services: [Topology.Service]) throws -> Int {
        let existing = descriptions.filter { $0.client == client }
        if let same = existing.first(where: { $0.url == url }) {
            throw Conflict(description: "client \(client.adminID) already has a service description with the URL \(url.prefix(200)) (id \(same.id))")
        }
        let codes = Set(existing.flatMap(\.services).map { $0.id.serviceCode.lowercased() })
        if let duplicate = services.first(where: { codes.contains($0.id.serviceCode.lowercased()) }) {
            throw Conflict(description: "client \(client.adminID) already has a service with the code \(duplicate.id.serviceCode)")
        }
        let id = try database.transaction { transaction -> Int64 in
            // Again inside the transaction, which writers take one at a time: the same description posted
            // twice at once passed the checks above together.
            if let same = try transaction.queryOne(
                "SELECT id FROM service_descriptions WHERE client = ? AND url = ?", [.text(client.adminID), .text(url)])
            {
                throw Conflict(description: "client \(client.adminID) already has a service description with the URL \(url.prefix(200)) (id \(try same.int("id")))")
            }
            for service in services {
                if try transaction.queryOne("SELECT service FROM described_services WHERE lower(service) = lower(?)", [.text(service.id.adminID)]) != nil {
                    throw Conflict(description: "client \(client.adminID) already has a service with the code \(service.id.serviceCode)")
                }
            }
            try transaction.execute(
                "INSERT INTO service_descriptions (client, url, type, refreshed_at) VALUES (?, ?, ?, ?)",
                [.text(client.adminID), .text(url), .text(type.rawValue), .text(Self.now())])
            let id = transaction.lastInsertRowID
            for (position, service) in services.enumerated() {
                let endpoints = String(decoding: try JSONEncoder().encode(service.endpoints), as: UTF8.self)
                try transaction.execute(
                    "INSERT INTO described_services (service, description_id, position, endpoints) VALUES (?, ?, ?, ?)",
                    [.text(service.id.adminID), .integer(id), .integer(Int64(position)), .text(endpoints)])
                try transaction.execute(
                    "INSERT OR REPLACE INTO service_settings (service, url, timeout, enabled, disabled_notice) VALUES (?, ?, ?, 0, ?)",
                    [.text(service.id.adminID), .text(service.url), .integer(Int64(service.timeout)), .text(service.disabledNotice)])
            }
            return id
        }
        try reload()
        return Int(id)
    }

    public func deleteDescription(_ id: Int) throws {
        try database.transaction { transaction in try Self.deleteDescription(Int64(id), in: transaction) }
        try reload()
    }

    private static func deleteDescription(_ id: Int64, in transaction: Transaction) throws {
        let services = try transaction.query("SELECT service FROM described_services WHERE description_id = ?", [.integer(id)]).map { try $0.string("service") }
            + transaction.query("SELECT seeded_service FROM service_descriptions WHERE id = ? AND seeded_service IS NOT NULL", [.integer(id)]).map { try $0.string("seeded_service") }
        for service in services {
            try transaction.execute("DELETE FROM service_settings WHERE service = ?", [.text(service)])
            try transaction.execute("DELETE FROM access_rights WHERE service = ?", [.text(service)])
        }
        try transaction.execute("DELETE FROM described_services WHERE description_id = ?", [.integer(id)])
        try transaction.execute("DELETE FROM service_descriptions WHERE id = ?", [.integer(id)])
    }

    // MARK: Services and access rights (admin API)

    public func updateService(_ id: XRoadServiceID, url: String?, timeout: Int?) throws {
        if let url { try database.execute("UPDATE service_settings SET url = ? WHERE service = ?", [.text(url), .text(id.adminID)]) }
        if let timeout { try database.execute("UPDATE service_settings SET timeout = ? WHERE service = ?", [.integer(Int64(timeout)), .text(id.adminID)]) }
        try reload()
    }

    /// Enables or disables every service of a description, as X-Road does per description.
    public func setEnabled(_ services: [XRoadServiceID], _ enabled: Bool, notice: String?) throws {
        try database.transaction { transaction in
            for id in services {
                try transaction.execute(
                    "UPDATE service_settings SET enabled = ?, disabled_notice = COALESCE(?, disabled_notice) WHERE service = ?",
                    [.integer(enabled ? 1 : 0), notice.map { .text($0) } ?? .null, .text(id.adminID)])
            }
        }
        try reload()
    }

    /// Adds rights; returns how many were new.
    @discardableResult
    public func grant(_ subjects: [XRoadClientID], on id: XRoadServiceID, endpoint: EndpointPattern = .wholeService) throws -> Int {
        var added = 0
        try database.transaction { transaction in
            for subject in subjects {
                try transaction.execute(
                    "INSERT OR IGNORE INTO access_rights (subject, service, method, path) VALUES (?, ?, ?, ?)",
                    [.text(subject.adminID), .text(id.adminID), .text(endpoint.method), .text(endpoint.path)])
                added += try transaction.queryOne("SELECT changes() AS changed").map { Int(try $0.int("changed")) } ?? 0
            }
        }
        try reload()
        return added
    }

    public func revoke(_ subjects: [XRoadClientID], on id: XRoadServiceID, endpoint: EndpointPattern = .wholeService) throws {
        try database.transaction { transaction in
            for subject in subjects {
                try transaction.execute(
                    "DELETE FROM access_rights WHERE subject = ? AND service = ? AND method = ? AND path = ?",
                    [.text(subject.adminID), .text(id.adminID), .text(endpoint.method), .text(endpoint.path)])
            }
        }
        try reload()
    }
}
