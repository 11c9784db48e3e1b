import Foundation
import SandboxCore
import Synchronization

/// The sandbox's central server: it keeps the instance's registrations (which subsystem is a client of
/// which security server) and approves management requests at once, where a real X-Road instance needs an
/// administrator to approve each one on the Central Server. Kept in its own SQLite file, seeded from the
/// topology at the first start, so that registrations made through the admin API survive a restart.
public final class CentralServer: Sendable {
    let database: Database
    let topology: Topology
    private let published: Mutex<GlobalConfigurationDocument>

    static let migrations = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE subsystems (id TEXT PRIMARY KEY, name TEXT NOT NULL);
                CREATE TABLE registrations (server TEXT NOT NULL, client TEXT NOT NULL, PRIMARY KEY (server, client));
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """),
    ]

    public struct RequestError: Error, Sendable, CustomStringConvertible {
        public let field: String
        public let description: String
    }

    public init(url: URL, topology: Topology) throws {
        database = try Database(path: url.path, migrations: Self.migrations)
        self.topology = topology
        published = Mutex(topology.globalConfigurationDocument)
        try seedIfNew()
        try publish()
    }

    /// What security servers download.
    public var document: GlobalConfigurationDocument { published.withLock { $0 } }

    /// `clientReg`: registers `client` on `server`, creating the subsystem under its member if it is new.
    /// - Returns: the new configuration version.
    @discardableResult
    public func register(_ client: XRoadClientID, name: String?, on server: String) throws -> Int {
        try check(client, server: server)
        try database.transaction { transaction in
            if client.subsystemCode != nil {
                try transaction.execute(
                    "INSERT OR IGNORE INTO subsystems (id, name) VALUES (?, ?)",
                    [.text(client.adminID), .text(String((name ?? client.subsystemCode ?? "").prefix(200)))])
            }
            try transaction.execute("INSERT OR IGNORE INTO registrations (server, client) VALUES (?, ?)", [.text(server), .text(client.adminID)])
            try Self.bumpVersion(transaction)
        }
        return try publish()
    }

    /// `clientDeletion`: the client is no longer registered on `server` (the subsystem stays known).
    @discardableResult
    public func unregister(_ client: XRoadClientID, from server: String) throws -> Int {
        try check(client, server: server)
        try database.transaction { transaction in
            try transaction.execute("DELETE FROM registrations WHERE server = ? AND client = ?", [.text(server), .text(client.adminID)])
            try Self.bumpVersion(transaction)
        }
        return try publish()
    }

    private func check(_ client: XRoadClientID, server: String) throws {
        guard topology.securityServer(named: server) != nil else {
            throw RequestError(field: "security_server", description: "no security server named '\(server.prefix(64))' (known: \(topology.securityServers.map(\.name).joined(separator: ", ")))")
        }
        guard client.instance == topology.instance, topology.members.contains(where: { $0.id == client.member }) else {
            throw RequestError(
                field: "client",
                description: "\(client.member.adminID) is not a member of \(topology.instance); members are declared in Fixtures/topology.yaml (members)")
        }
        // Published for good and read by every server: a subsystem code they could not parse back must not get in.
        if let subsystem = client.subsystemCode, let problem = XRoadIdentifierText.registrationProblem(subsystem) {
            throw RequestError(field: "client", description: "subsystem code: \(problem)")
        }
    }

    private static func bumpVersion(_ transaction: Transaction) throws {
        try transaction.execute(
            "INSERT INTO meta (key, value) VALUES ('version', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
    }

    private func seedIfNew() throws {
        guard try database.queryOne("SELECT value FROM meta WHERE key = 'seeded'") == nil else { return }
        let seed = topology.globalConfigurationDocument
        try database.transaction { transaction in
            for subsystem in seed.subsystems {
                try transaction.execute("INSERT OR IGNORE INTO subsystems (id, name) VALUES (?, ?)", [.text(subsystem.id), .text(subsystem.name)])
            }
            for server in seed.securityServers {
                for client in server.clients {
                    try transaction.execute("INSERT OR IGNORE INTO registrations (server, client) VALUES (?, ?)", [.text(server.name), .text(client)])
                }
            }
            try transaction.execute("INSERT INTO meta (key, value) VALUES ('seeded', ?)", [.text(ISO8601DateFormatter().string(from: Date()))])
        }
    }

    @discardableResult
    private func publish() throws -> Int {
        let version = Int(try database.queryOne("SELECT value FROM meta WHERE key = 'version'").map { try $0.string("value") } ?? "0") ?? 0
        let subsystems = try database.query("SELECT id, name FROM subsystems ORDER BY rowid").map {
            GlobalConfigurationDocument.Subsystem(id: try $0.string("id"), name: try $0.string("name"))
        }
        var clients: [String: [String]] = [:]
        for row in try database.query("SELECT server, client FROM registrations ORDER BY rowid") {
            clients[try row.string("server"), default: []].append(try row.string("client"))
        }
        let document = GlobalConfigurationDocument(
            version: version, instance: topology.instance, subsystems: subsystems,
            securityServers: topology.securityServers.map { .init(name: $0.name, clients: clients[$0.name] ?? []) })
        published.withLock { $0 = document }
        return version
    }
}
