import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOHTTP1
import PKI
import SandboxCore
import SandboxTesting
@testable import XRoad

/// A PKI, a registry backend stub, the central server and the two security servers of the committed
/// topology, each a real HTTP server on a free loopback port, in one temporary directory.
final class ExchangeFixture: Sendable {
    let directory: TemporaryDirectory
    let topology: Topology
    let urls: [String: String]
    let servers: [String: SecurityServer]
    let authority: CertificateAuthority
    let central: CentralServer
    let tasks: [Task<Void, any Error>]

    static let logger: Logger = {
        var logger = Logger(label: "xroad-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// - Parameter editTopology: changes to the committed topology's text, for tests that need another setting.
    init(errorStyle: XRoadErrorStyle = .legacy, editTopology: (String) -> String = { $0 }) async throws {
        let directory = try TemporaryDirectory("xroad")
        var ports: [String: Int] = [:]
        for name in ["pki", "backend", "central", "ss-arcep", "ss-arcep-server", "ss-asin", "ss-asin-server"] { ports[name] = try PortProbe.freePort() }
        var urls = ports.mapValues { "http://127.0.0.1:\($0)" }
        let token = "test-admin-token-0123456789"

        let pkiConfiguration = PKIConfiguration(
            certsDirectory: directory.file("certs"), databaseURL: directory.file("data/pki.sqlite"), publicBaseURL: urls["pki"]!)
        _ = try PKIBootstrap.ensure(configuration: pkiConfiguration, force: false, now: Date())
        let authority = try CertificateAuthority(configuration: pkiConfiguration, clock: SystemClock(), logger: Self.logger)
        var applications: [any ApplicationProtocol] = [
            Application(router: PKIRouter.build(authority: authority, adminToken: AdminToken(value: token), logger: Self.logger), configuration: .init(address: .hostname("127.0.0.1", port: ports["pki"]!)), logger: Self.logger),
            Application(router: RegistryStub.router(), configuration: .init(address: .hostname("127.0.0.1", port: ports["backend"]!)), logger: Self.logger),
        ]
        var tasks = applications.map { application in Task { try await application.runService() } }
        try await Self.waitHealthy(urls["pki"]! + "/health")

        let variables = ["registry.rccm": urls["backend"]!, "registry.ifu": urls["backend"]!, "registry.rnpp": urls["backend"]!]
        let topology = try TopologyLoader.load(yaml: editTopology(try String(contentsOf: TopologyTests.fixtureURL, encoding: .utf8)), variables: variables)
        let enrolment = PKIEnrolment(baseURL: urls["pki"]!, adminToken: token)
        let central = try CentralServer(url: directory.file("data/central.sqlite"), topology: topology)
        var servers: [String: SecurityServer] = [:]
        applications = [
            Application(
                router: CentralServerRouter.build(central, adminToken: token, logger: Self.logger),
                configuration: .init(address: .hostname("127.0.0.1", port: ports["central"]!)), logger: Self.logger)
        ]
        for name in ["ss-arcep", "ss-asin"] {
            let definition = topology.securityServer(named: name)!
            let keys = try await SecurityServerKeys.loadOrEnrol(
                directory: directory.file("data/xroad/\(name)/keys"), server: definition, topology: topology, pki: enrolment)
            let server = try SecurityServer(
                name: name, configuration: try SecurityServer.openConfiguration(directory: directory.file("data/xroad/\(name)"), topology: topology, name: name),
                keys: keys,
                peers: ["ss-arcep": "https://127.0.0.1:\(ports["ss-arcep-server"]!)", "ss-asin": "https://127.0.0.1:\(ports["ss-asin-server"]!)"],
                messageLog: try SecurityServer.openMessageLog(directory: directory.file("data/xroad/\(name)"), server: definition),
                tsaURL: urls["pki"]! + "/pki/v1/tsa", central: CentralServerClient(baseURL: urls["central"]!, adminToken: token), errorStyle: errorStyle,
                logger: Self.logger)
            servers[name] = server
            applications.append(
                Application(router: SecurityServerRouters.clientSide(server, adminToken: token, logger: Self.logger), configuration: .init(address: .hostname("127.0.0.1", port: ports[name]!)), logger: Self.logger))
            applications.append(
                Application(
                    router: SecurityServerRouters.serverSide(server, logger: Self.logger), server: try .tls(.http1(), tlsConfiguration: server.peerTLS.server),
                    configuration: .init(address: .hostname("127.0.0.1", port: ports[name + "-server"]!)), logger: Self.logger))
        }
        tasks += applications.map { application in Task { try await application.runService() } }
        for name in ["ss-arcep", "ss-asin", "backend", "central"] { try await Self.waitHealthy(urls[name]! + "/health") }
        // The server sides speak mutual TLS: wait until they accept connections.
        for name in ["ss-arcep-server", "ss-asin-server"] {
            let deadline = Date().addingTimeInterval(60)
            while PortProbe.isFree(port: ports[name]!), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }
        urls["root"] = directory.path("certs")
        self.directory = directory
        self.topology = topology
        self.urls = urls
        self.servers = servers
        self.authority = authority
        self.central = central
        self.tasks = tasks
    }

    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
    }

    static func waitHealthy(_ url: String) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("\(url) did not become healthy")
    }

    /// An information system's HTTP client: it sees redirects rather than following them.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: String
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    /// A call from an information system to a security server's client side.
    func call(_ server: String, _ method: HTTPMethod = .GET, _ path: String, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: urls[server]! + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await Self.client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A registry backend that echoes what it received, so tests can see what the provider's security server sent.
enum RegistryStub {
    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        router.get("/ifu.wsdl") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/xml"],
                body: .init(byteBuffer: ByteBuffer(string: #"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"><wsdl:service name="s"><wsdl:port name="p"><soap:address location="http://10.0.0.7:9102/secret-backend"/></wsdl:port></wsdl:service></wsdl:definitions>"#)))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: "openapi: 3.0.3\nservers:\n  - url: http://127.0.0.1:9101/v1\n  - url: http://{host}:9101/v2\npaths: {}\n")))
        }
        // Descriptions a trainee publishes through the admin API; their service URLs point back here.
        router.get("/trainee/openapi.json") { request, _ in
            let base = "http://\(request.head.authority ?? "127.0.0.1")/v1/trainee"
            let document = #"{"openapi":"3.0.1","info":{"title":"Orders (illustrative)","version":"1"},"servers":[{"url":"\#(base)"}],"#
                + #""paths":{"/orders":{"get":{},"post":{}},"/orders/{id}":{"get":{},"delete":{}}}}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        router.get("/trainee.wsdl") { request, _ in
            let location = "http://\(request.head.authority ?? "127.0.0.1")/"
            let wsdl = #"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd">"#
                + #"<wsdl:binding name="b"><wsdl:operation name="getLicence"><xrd:version>v2</xrd:version></wsdl:operation><wsdl:operation name="listLicences"/></wsdl:binding>"#
                + #"<wsdl:service name="s"><wsdl:port name="p"><soap:address location="\#(location)"/></wsdl:port></wsdl:service></wsdl:definitions>"#
            return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: wsdl)))
        }
        // A SOAP service that copies the X-Road header, as PR-MESS requires; "noheader" in the body leaves it out.
        router.post("/") { request, _ -> Response in
            let bytes = String(buffer: try await request.body.collect(upTo: 1 << 20))
            guard let headerStart = bytes.range(of: "<soapenv:Header>"), let headerEnd = bytes.range(of: "</soapenv:Header>") else {
                return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "no header")))
            }
            let header = bytes.contains("noheader") ? "" : String(bytes[headerStart.lowerBound..<headerEnd.upperBound])
            let action = request.headers[.init("SOAPAction")!] ?? "none"
            let leaked = request.headers[.init("X-Secret")!] == nil ? "no" : "yes"
            let answer = #"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd" xmlns:id="http://x-road.eu/xsd/identifiers">"# + header
                + "<soapenv:Body><ifu:getTaxpayerResponse xmlns:ifu=\"http://dgi.sandbox.bj/ifu\"><found>true</found><action>\(action)</action><leaked>\(leaked)</leaked></ifu:getTaxpayerResponse></soapenv:Body></soapenv:Envelope>"
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        router.on("/v1/**", method: .get) { request, _ in
            switch request.uri.path {
            case "/v1/companies/moved": return Response(status: .found, headers: [.location: "http://elsewhere.invalid/"])
            case "/v1/companies/slow":
                try await Task.sleep(for: .seconds(3))
                return try echo(request, body: "late")
            default: return try echo(request, body: "")
            }
        }
        router.on("/v1/**", method: .post) { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            return try echo(request, body: String(buffer: body))
        }

        return router
    }

    static func echo(_ request: Request, body: String) throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.rawName] = field.value }
        let document: [String: Any] = ["path": request.uri.path, "query": request.uri.query ?? "", "headers": headers, "body": body, "notice": "illustrative"]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return Response(
            status: .ok, headers: [.contentType: "application/json", .init("X-Road-Id")!: "forged-by-backend", .init("X-Backend")!: "rccm-stub"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
