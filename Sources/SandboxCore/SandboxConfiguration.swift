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

    /// The base URL other processes use to reach a block, e.g. `http://localhost:8090`.
    public func baseURL(_ port: DefaultPort) -> String { "http://\(publicHost):\(self.port(port))" }

    /// Where a block keeps its SQLite file, e.g. `.sandbox/pki.sqlite`.
    public func databaseURL(block: String) -> URL { dataDirectory.appendingPathComponent("\(block).sqlite") }
}
