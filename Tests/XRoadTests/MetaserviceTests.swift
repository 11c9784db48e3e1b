import Foundation
import NIOHTTP1
import Testing
@testable import XRoad

@Suite("Metaservices: listClients, listMethods, allowedMethods, getOpenAPI")
struct MetaserviceTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func listClientsInJSONAndXML() async throws {
        let fixture = try await ExchangeFixture()
        let reply = try await fixture.call("ss-arcep", .GET, "/listClients", headers: [("Accept", "application/json")])
        let members = try #require(try json(reply.body)["member"] as? [[String: Any]])
        let ids = members.compactMap { $0["id"] as? [String: Any] }
        #expect(ids.contains { $0["member_code"] as? String == "ARCEP" && $0["object_type"] as? String == "MEMBER" && $0["xroad_instance"] as? String == "BJ-SANDBOX" })
        #expect(ids.contains { $0["subsystem_code"] as? String == "RNPP" && $0["object_type"] as? String == "SUBSYSTEM" })
        #expect(members.contains { $0["subsystem_name"] != nil })
        let xml = try await fixture.call("ss-arcep", .GET, "/listClients")
        #expect(xml.body.contains(#"<ns2:clientList xmlns:ns1="http://x-road.eu/xsd/identifiers" xmlns:ns2="http://x-road.eu/xsd/xroad.xsd">"#))
        #expect(xml.body.contains("<ns1:subsystemCode>AGREMENT-FAI</ns1:subsystemCode>"))
        let other = try await fixture.call("ss-arcep", .GET, "/listClients?xRoadInstance=EE", headers: [("Accept", "application/json")])
        #expect((try json(other.body)["member"] as? [Any])?.isEmpty == true)
        await fixture.stop()
    }

    @Test func listMethodsAndAllowedMethodsGoThroughTheExchange() async throws {
        let fixture = try await ExchangeFixture()
        let portal = ("X-Road-Client", "BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")
        let all = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/listMethods", headers: [portal])
        #expect(all.status == 200, "\(all.body)")
        #expect(all.header("x-road-request-hash") != nil)
        let services = try #require(try json(all.body)["service"] as? [[String: Any]])
        #expect(services.count == 1)
        #expect(services[0]["service_code"] as? String == "companies" && services[0]["service_type"] as? String == "OPENAPI")
        #expect((services[0]["endpoint_list"] as? [[String: String]])?.map { $0["path"] ?? "" } == ["/", "/*"])

        let allowed = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/allowedMethods", headers: [portal])
        let endpoints = (try json(allowed.body)["service"] as? [[String: Any]])?.first?["endpoint_list"] as? [[String: String]]
        #expect(endpoints?.map { $0["path"] ?? "" } == ["/"], "the portal may only GET /")
        let none = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/ANIP/RNPP/allowedMethods", headers: [portal])
        #expect((try json(none.body)["service"] as? [Any])?.isEmpty == true)
        await fixture.stop()
    }

    @Test func getOpenAPIAnonymisesServers() async throws {
        let fixture = try await ExchangeFixture()
        let client = ("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let reply = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/getOpenAPI?serviceCode=companies", headers: [client])
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/yaml")
        #expect(reply.body.contains("  - url: /v1\n"))
        #expect(reply.body.contains("  - url: http://{host}:9101/v2"), "URLs with variables stay")
        let missing = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/getOpenAPI", headers: [client])
        #expect(missing.header("X-Road-Error") == "Server.ServerProxy.InternalError")
        let wrongType = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/DGI/IFU/getOpenAPI?serviceCode=getTaxpayer", headers: [client])
        #expect(try json(wrongType.body)["message"] as? String == "Invalid service type")
        await fixture.stop()
    }

    @Test func wsdlThroughTheProvidersServer() async throws {
        let fixture = try await ExchangeFixture()
        let query = "/wsdl?xRoadInstance=BJ-SANDBOX&memberClass=GOV&memberCode=DGI&subsystemCode=IFU&serviceCode=getTaxpayer&version=v1"
        let reply = try await fixture.call("ss-arcep", .GET, query)
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "text/xml; charset=UTF-8")
        #expect(reply.body.contains(#"<soap:address location="http://example.org/xroad-endpoint"/>"#), "\(reply.body)")
        #expect(!reply.body.contains("secret-backend"))
        let rest = try await fixture.call("ss-arcep", .GET, "/wsdl?xRoadInstance=BJ-SANDBOX&memberClass=GOV&memberCode=APIEX&subsystemCode=RCCM&serviceCode=companies")
        #expect(rest.body.contains("<faultcode>Server.ServerProxy.ServiceType</faultcode>"))
        let incomplete = try await fixture.call("ss-arcep", .GET, "/wsdl?xRoadInstance=BJ-SANDBOX")
        #expect(incomplete.body.contains("Missing parameter memberClass"))
        await fixture.stop()
    }

    @Test func anonymiserOnJSONToo() {
        #expect(RestMetaservices.anonymised(#"{"servers":[{"url":"https://api.example.org"},{"url":"http://h:1/p"}]}"#) == #"{"servers":[{"url":"/"},{"url":"/p"}]}"#)
    }

    @Test func metaserviceCodesAreReserved() throws {
        let yaml = try String(contentsOf: TopologyTests.fixtureURL, encoding: .utf8).replacingOccurrences(of: "GOV/ANIP/RNPP/persons\n    type", with: "GOV/ANIP/RNPP/listMethods\n    type")
        let error = #expect(throws: TopologyError.self) { try TopologyLoader.load(yaml: yaml, variables: TopologyTests.variables) }
        #expect(error?.description.contains("reserved") == true)
    }
}
