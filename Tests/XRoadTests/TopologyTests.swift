import Foundation
import Testing
@testable import XRoad

@Suite("Topology: the committed file, its checks, and the provider's access decisions")
struct TopologyTests {
    static let variables = ["registry.rccm": "http://127.0.0.1:9101", "registry.ifu": "http://127.0.0.1:9102", "registry.rnpp": "http://127.0.0.1:9103"]

    static var fixtureURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/topology.yaml").standardized
    }

    func committed() throws -> Topology { try TopologyLoader.load(contentsOf: Self.fixtureURL, variables: Self.variables) }

    @Test func theCommittedTopologyLoads() throws {
        let topology = try committed()
        #expect(topology.instance == "BJ-SANDBOX")
        #expect(topology.memberClasses.map(\.code) == ["GOV", "COM", "ORG"])
        #expect(Set(topology.members.map(\.id.memberCode)).isSuperset(of: ["ARCEP", "ASIN", "APIEX", "DGI", "ANIP"]))
        #expect(topology.members.filter { $0.id.memberClass == "COM" }.count == 2)
        let arcep = try #require(topology.securityServer(named: "ss-arcep"))
        let eService = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        #expect(arcep.clients.contains(eService))
        #expect(topology.securityServers(hosting: try XRoadClientID.parse("BJ-SANDBOX/GOV/DGI/IFU")).map(\.name) == ["ss-asin"])
        let rccm = try #require(topology.service(try XRoadServiceID.parse("BJ-SANDBOX/GOV/APIEX/RCCM/companies")))
        #expect(rccm.url == "http://127.0.0.1:9101/v1/companies")
        #expect(rccm.type == .openAPI3 && rccm.enabled && rccm.timeout == 60)
        let ifu = try #require(topology.service(try XRoadServiceID.parse("BJ-SANDBOX/GOV/DGI/IFU/getTaxpayer")))
        #expect(ifu.type == .wsdl && ifu.id.serviceVersion == "v1")
    }

    @Test func providerChecksRunInTheImplementationsOrder() throws {
        let topology = try committed()
        let eService = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let portal = try XRoadClientID.parse("BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")
        let companies = try XRoadServiceID.parse("BJ-SANDBOX/GOV/APIEX/RCCM/companies")
        let persons = try XRoadServiceID.parse("BJ-SANDBOX/GOV/ANIP/RNPP/persons")

        let granted = try topology.authorizeREST(client: eService, service: companies, method: "GET", servicePath: "")
        #expect(granted.right.endpoint.isWholeService)
        #expect(try topology.authorizeREST(client: eService, service: persons, method: "GET", servicePath: "/1000000042").right.endpoint.path == "/*")

        func code(_ client: XRoadClientID, _ service: XRoadServiceID, _ method: String, _ path: String) -> String? {
            do {
                _ = try topology.authorizeREST(client: client, service: service, method: method, servicePath: path)
                return nil
            } catch {
                return error.code.spelled(.legacy)
            }
        }
        #expect(code(eService, try XRoadServiceID.parse("BJ-SANDBOX/GOV/APIEX/RCCM/nope"), "GET", "/") == "Server.ServerProxy.UnknownService")
        #expect(code(eService, try XRoadServiceID.parse("BJ-SANDBOX/GOV/DGI/IFU/getTaxpayer"), "GET", "/") == "Server.ServerProxy.ServiceType")
        #expect(code(portal, persons, "GET", "/1000000042") == "Server.ServerProxy.AccessDenied")
        #expect(code(eService, persons, "DELETE", "/1000000042") == "Server.ServerProxy.AccessDenied")
        #expect(code(portal, companies, "GET", "/") == nil)
        #expect(code(portal, companies, "GET", "/x/../") == nil)
        #expect(code(portal, companies, "GET", "/RB") == "Server.ServerProxy.AccessDenied")
    }

    @Test func aDisabledServiceAnswersWithItsNotice() throws {
        let yaml = try String(contentsOf: Self.fixtureURL, encoding: .utf8)
            .replacingOccurrences(of: "    url: ${registry.rnpp}/v1/persons\n", with: "    url: ${registry.rnpp}/v1/persons\n    disabledNotice: Maintenance jusqu'à 14 h\n")
            .replacingOccurrences(of: "description: ${registry.rnpp}/openapi.yaml\n    timeout: 60\n    enabled: true", with: "description: ${registry.rnpp}/openapi.yaml\n    timeout: 60\n    enabled: false")
        let topology = try TopologyLoader.load(yaml: yaml, variables: Self.variables)
        let fault = #expect(throws: XRoadFault.self) {
            try topology.authorizeREST(
                client: try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI"), service: try XRoadServiceID.parse("BJ-SANDBOX/GOV/ANIP/RNPP/persons"),
                method: "GET", servicePath: "/1")
        }
        #expect(fault?.code == .serverProxy("ServiceDisabled"))
        #expect(fault?.message.contains("Maintenance jusqu'à 14 h") == true)
    }

    @Test(arguments: [
        ("url: ${registry.rccm}/v1/companies", "url: ${registry.nope}/v1", "services[0].url", "unknown placeholder"),
        ("  - id: COM/BJ-0000000002", "  - id: XYZ/BJ-0000000002", "members[6].id", "member class 'XYZ'"),
        ("      - GOV/DGI/IFU\n", "      - GOV/DGI/TVA\n", "securityServers[1].clients[1]", "not a member or subsystem"),
        ("  - code: AGREMENT-FAI", "  - code: AGRÉMENT-FAI", "members[0].subsystems[0].code", "'É'"),
        ("    service: GOV/DGI/IFU/getTaxpayer", "    service: GOV/DGI/IFU/getTax", "accessRights[2].service", "not declared"),
        ("instance: BJ-SANDBOX", "instanc: BJ-SANDBOX", "", "instance"),
    ])
    func mistakesNameTheirPlace(original: String, replacement: String, place: String, problem: String) throws {
        let yaml = try String(contentsOf: Self.fixtureURL, encoding: .utf8).replacingOccurrences(of: original, with: replacement)
        let error = #expect(throws: TopologyError.self) { try TopologyLoader.load(yaml: yaml, variables: Self.variables) }
        #expect(error?.place == place, "\(error?.description ?? "")")
        #expect(error?.description.contains(problem) == true, "\(error?.description ?? "")")
    }

    /// The committed file with an alias bomb (10⁸ values) appended under an unknown key: refused by name.
    @Test func aYAMLAliasBombIsRefused() throws {
        var yaml = try String(contentsOf: Self.fixtureURL, encoding: .utf8) + "\nx-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...8 { yaml += "x-l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let error = #expect(throws: TopologyError.self) { try TopologyLoader.load(yaml: yaml, variables: Self.variables) }
        #expect(error?.description.contains("alias") == true, "\(error?.description ?? "")")
    }
}
