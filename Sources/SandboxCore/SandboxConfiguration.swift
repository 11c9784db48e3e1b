import Foundation

/// The well-known ports of the sandbox (house plan, "Default ports"). Every one shifts with `--port-offset`
/// so that several sandboxes, or parallel test runs, can live side by side on one machine.
public enum DefaultPort: Int, Sendable, CaseIterable {
    case overview = 4000
    /// The X-Road central server: global configuration and management requests (a real one uses 4001 for
    /// the latter).
    case centralServer = 4001
    /// Client side of `ss-arcep` (information systems → security server).
    case securityServerARCEP = 8080
    case securityServerASIN = 8081
    /// Server side of `ss-arcep` (security server → security server).
    case securityServerARCEPServer = 5500
    case securityServerASINServer = 5501
    case registryRCCM = 9101
    case registryIFU = 9102
    case registryRNPP = 9103
    case pki = 8090
    case pnpe = 8086
    case agrementFAI = 3000

    /// The name in environment variables: `SANDBOX_URL_PKI`, `SANDBOX_PUBLIC_URL_SS_ARCEP`…
    public var environmentName: String {
        switch self {
        case .overview: "OVERVIEW"
        case .centralServer: "CENTRAL_SERVER"
        case .securityServerARCEP: "SS_ARCEP"
        case .securityServerASIN: "SS_ASIN"
        case .securityServerARCEPServer: "SS_ARCEP_SERVER"
        case .securityServerASINServer: "SS_ASIN_SERVER"
        case .registryRCCM: "RCCM"
        case .registryIFU: "IFU"
        case .registryRNPP: "RNPP"
        case .pki: "PKI"
        case .pnpe: "PNPE"
        case .agrementFAI: "AGREMENT_FAI"
        }
    }

    /// The server sides of security servers speak mutual TLS; everything else plain HTTP.
    var scheme: String { self == .securityServerARCEPServer || self == .securityServerASINServer ? "https" : "http" }
}

/// Where a sandbox keeps its state and where its servers listen. Built once from the command line and the
/// environment, then handed to every block; nothing else reads paths or ports on its own.
public struct SandboxConfiguration: Sendable {
    /// Holds each block's SQLite file and the admin token (default `.sandbox/`).
    public var dataDirectory: URL
    /// Holds the trust material written by `sandbox init` and the committed certificate profiles.
    public var certsDirectory: URL
    /// Holds the topology, registry records and other invented data (default `Fixtures/`).
    public var fixturesDirectory: URL = URL(fileURLWithPath: "Fixtures")
    /// Added to every default port.
    public var portOffset: Int
    /// The address servers bind to. Loopback by default: the sandbox is a local tool.
    public var bindHost: String
    /// The host name written into URLs that leave the process (certificates, QR codes, links).
    public var publicHost: String
    /// Explicit ports that replace default + offset (tests use free ports; containers set their own).
    public var portOverrides: [DefaultPort: Int] = [:]
    /// How other blocks reach a block when that is not `publicHost` and its port: one container a block
    /// (`SANDBOX_URL_PKI=http://pki:8090`).
    public var internalURLs: [DefaultPort: String] = [:]
    /// What people and documents see when that is not the internal URL (`SANDBOX_PUBLIC_URL_PKI`): the
    /// verification links and QR codes, the checkout pages, the links of the overview.
    public var publicURLs: [DefaultPort: String] = [:]

    public init(
        dataDirectory: URL = URL(fileURLWithPath: ".sandbox"),
        certsDirectory: URL = URL(fileURLWithPath: "certs"),
        portOffset: Int = 0,
        bindHost: String = "127.0.0.1",
        publicHost: String = "localhost"
    ) {
        self.dataDirectory = dataDirectory
        self.certsDirectory = certsDirectory
        self.portOffset = portOffset
        self.bindHost = bindHost
        self.publicHost = publicHost
    }

    /// Gives every block a free loopback port, for tests and benchmarks that run beside a real sandbox.
    public mutating func assignFreePorts() throws {
        for port in DefaultPort.allCases { portOverrides[port] = try PortProbe.freePort() }
    }

    /// The port a block listens on once the offset is applied.
    public func port(_ port: DefaultPort) -> Int { portOverrides[port] ?? port.rawValue + portOffset }

    /// The base URL other blocks use to reach a block, e.g. `http://localhost:8090` (or `http://pki:8090`
    /// when each block runs in its own container).
    public func baseURL(_ port: DefaultPort) -> String {
        internalURLs[port] ?? "\(port.scheme)://\(publicHost):\(self.port(port))"
    }

    /// The base URL people and documents see: `publicURLs`, else the internal one.
    public func publicURL(_ port: DefaultPort) -> String { publicURLs[port] ?? baseURL(port) }

    /// Reads `SANDBOX_URL_<BLOCK>` and `SANDBOX_PUBLIC_URL_<BLOCK>` (see ``DefaultPort/environmentName``)
    /// and `SANDBOX_PUBLIC_HOST`, so that a container learns where the other blocks are without flags.
    /// - Throws: ``SandboxFileError`` naming the variable, for a value that is not a base URL.
    public mutating func apply(environment: [String: String]) throws {
        if let host = environment["SANDBOX_PUBLIC_HOST"], !host.isEmpty {
            guard Self.isHostName(host) else {
                throw SandboxFileError("SANDBOX_PUBLIC_HOST must be a host name or IP address, like localhost or 192.168.1.20; got \(host.prefix(80))")
            }
            publicHost = host
        }
        for port in DefaultPort.allCases {
            if let value = environment["SANDBOX_URL_\(port.environmentName)"] {
                internalURLs[port] = try Self.baseURL(value, variable: "SANDBOX_URL_\(port.environmentName)", schemes: [port.scheme])
            }
            if let value = environment["SANDBOX_PUBLIC_URL_\(port.environmentName)"] {
                // A reverse proxy may put TLS in front of any block for the people who use it.
                publicURLs[port] = try Self.baseURL(value, variable: "SANDBOX_PUBLIC_URL_\(port.environmentName)", schemes: ["http", "https"])
            }
        }
    }

    /// `value` without a trailing slash, if it is `scheme://host[:port]` and nothing more.
    static func baseURL(_ value: String, variable: String, schemes: Set<String>) throws -> String {
        let trimmed = value.hasSuffix("/") ? String(value.dropLast()) : value
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme, schemes.contains(scheme), let host = components.host,
            isHostName(host), components.user == nil, components.path.isEmpty, components.query == nil, components.fragment == nil
        else {
            let allowed = schemes.sorted().joined(separator: " or ")
            throw SandboxFileError("\(variable) must be a base URL like \(schemes.sorted()[0])://pki:8090 (\(allowed), a host, an optional port, no path); got \(value.prefix(120))")
        }
        return trimmed
    }

    static func isHostName(_ host: String) -> Bool {
        !host.isEmpty && host.count <= 253 && host.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x2E
                || byte == 0x3A || byte == 0x5B || byte == 0x5D
        }
    }

    /// Where a block keeps its SQLite file, e.g. `.sandbox/pki.sqlite`.
    public func databaseURL(block: String) -> URL { dataDirectory.appendingPathComponent("\(block).sqlite") }
}
