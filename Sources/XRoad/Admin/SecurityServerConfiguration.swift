import Foundation
import SandboxCore
import Synchronization

/// A security server's own configuration: the global configuration from the topology, with what this
/// server decides for the services it hosts — URL, timeout, enabled flag and notice, access rights — kept in
/// its SQLite file (`conf.sqlite`) and changed at run time through the admin API. The topology seeds it at
/// the first start; later starts keep the changes.
public final class SecurityServerConfiguration: Sendable {
    let database: Database
    let serverName: String
    private let base: Topology
    private let snapshot: Mutex<Topology>

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
    ]

    public init(url: URL, topology: Topology, serverName: String) throws {
        database = try Database(path: url.path, migrations: Self.migrations)
        base = topology
        self.serverName = serverName
        snapshot = Mutex(topology)
        try seedIfNew()
        try reload()
    }

    /// The configuration as it is now.
    public var current: Topology { snapshot.withLock { $0 } }

    /// Services hosted on this server, in topology order.
    public var hostedServices: [Topology.Service] {
        let current = current
        guard let definition = current.securityServer(named: serverName) else { return [] }
        return current.services.filter { definition.clients.contains($0.id.provider) }
    }

    private func seedIfNew() throws {
        guard try database.queryOne("SELECT value FROM meta WHERE key = 'seeded'") == nil else { return }
        let hosted = hostedServices
        try database.transaction { transaction in
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
            try transaction.execute("INSERT INTO meta (key, value) VALUES ('seeded', ?)", [.text(ISO8601DateFormatter().string(from: Date()))])
        }
    }

    /// Rebuilds the snapshot: the topology, with this server's stored settings and rights for its services.
    private func reload() throws {
        let settings = Dictionary(uniqueKeysWithValues: try database.query("SELECT * FROM service_settings").map { row in
            (try row.string("service"), row)
        })
        let hostedIDs = Set(hostedServicesOf(base).map(\.id.adminID))
        let services = try base.services.map { service -> Topology.Service in
            guard let row = settings[service.id.adminID] else { return service }
            return Topology.Service(
                id: service.id, type: service.type, url: try row.string("url"), descriptionURL: service.descriptionURL,
                timeout: Int(try row.int("timeout")), enabled: try row.int("enabled") == 1, disabledNotice: try row.string("disabled_notice"),
                endpoints: service.endpoints)
        }
        var rights = base.accessRights.filter { !hostedIDs.contains($0.service.adminID) }
        for row in try database.query("SELECT * FROM access_rights ORDER BY rowid") {
            let serviceText = try row.string("service")
            guard let service = services.first(where: { $0.id.adminID == serviceText }),
                let subject = try? XRoadClientID.parse(try row.string("subject").replacingOccurrences(of: ":", with: "/")),
                let endpoint = try? EndpointPattern(method: try row.string("method"), path: try row.string("path"))
            else { continue }
            rights.append(Topology.AccessRight(subject: subject, service: service.id, endpoint: endpoint))
        }
        let updated = Topology(
            instance: base.instance, memberClasses: base.memberClasses, members: base.members, securityServers: base.securityServers,
            services: services, accessRights: rights)
        snapshot.withLock { $0 = updated }
    }

    private func hostedServicesOf(_ topology: Topology) -> [Topology.Service] {
        guard let definition = topology.securityServer(named: serverName) else { return [] }
        return topology.services.filter { definition.clients.contains($0.id.provider) }
    }

    // MARK: Changes (admin API)

    public func updateService(_ id: XRoadServiceID, url: String?, timeout: Int?) throws {
        if let url { try database.execute("UPDATE service_settings SET url = ? WHERE service = ?", [.text(url), .text(id.adminID)]) }
        if let timeout { try database.execute("UPDATE service_settings SET timeout = ? WHERE service = ?", [.integer(Int64(timeout)), .text(id.adminID)]) }
        try reload()
    }

    public func setEnabled(_ id: XRoadServiceID, _ enabled: Bool, notice: String?) throws {
        try database.execute(
            "UPDATE service_settings SET enabled = ?, disabled_notice = COALESCE(?, disabled_notice) WHERE service = ?",
            [.integer(enabled ? 1 : 0), notice.map { .text($0) } ?? .null, .text(id.adminID)])
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
