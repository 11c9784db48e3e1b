import Foundation
import NIOHTTP1
import SandboxTesting
import Testing
@testable import XRoad

/// The provider's admin API changes what its security server allows, at once and for good.
@Suite("Security server admin API")
struct AdminAPITests {
    let key = ("Authorization", "X-Road-ApiKey token=test-admin-token-0123456789")
    let portal = ("X-Road-Client", "BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")
    let persons = "/api/v1/services/BJ-SANDBOX%3AGOV%3AANIP%3ARNPP%3Apersons"
    let personCall = "/r1/BJ-SANDBOX/GOV/ANIP/RNPP/persons/1000000042"

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func grantAndRevokeAccessAtServiceAndEndpointLevel() async throws {
        let fixture = try await ExchangeFixture()
        let denied = try await fixture.call("ss-arcep", .GET, personCall, headers: [portal])
        #expect(denied.header("X-Road-Error") == "Server.ServerProxy.AccessDenied")

        let unauthenticated = try await fixture.call("ss-asin", .GET, "/api/v1/clients")
        #expect(unauthenticated.status == 401)
        let clients = try #require(try json(try await fixture.call("ss-asin", .GET, "/api/v1/clients", headers: [key]).body) as? [[String: Any]])
        #expect(clients.contains { $0["id"] as? String == "BJ-SANDBOX:GOV:ANIP:RNPP" && $0["subsystem_code"] as? String == "RNPP" })

        let items = #"{"items":[{"id":"BJ-SANDBOX:COM:BJ-0000000001:PORTAIL","service_client_type":"SUBSYSTEM"}]}"#
        let granted = try await fixture.call("ss-asin", .POST, persons + "/service-clients", headers: [key, ("Content-Type", "application/json")], body: items)
        #expect(granted.status == 201)
        #expect(try await fixture.call("ss-arcep", .GET, personCall, headers: [portal]).status == 200)

        // Persisted: the server's configuration file, reopened, has the new right.
        let reopened = try SecurityServerConfiguration(
            url: fixture.directory.file("data/xroad/ss-asin/conf.sqlite"), topology: fixture.topology, serverName: "ss-asin")
        #expect(reopened.current.accessRights.contains { $0.subject.memberCode == "BJ-0000000001" && $0.service.serviceCode == "persons" })

        let removed = try await fixture.call("ss-asin", .POST, persons + "/service-clients/delete", headers: [key, ("Content-Type", "application/json")], body: items)
        #expect(removed.status == 204)
        #expect(try await fixture.call("ss-arcep", .GET, personCall, headers: [portal]).header("X-Road-Error") == "Server.ServerProxy.AccessDenied")

        // Endpoint level: GET /* only.
        let service = try #require(try json(try await fixture.call("ss-asin", .GET, persons, headers: [key]).body) as? [String: Any])
        let endpoint = try #require((service["endpoints"] as? [[String: Any]])?.first)
        #expect(endpoint["path"] as? String == "/*")
        let endpointID = try #require(endpoint["id"] as? String)
        let endpointGrant = try await fixture.call(
            "ss-asin", .POST, "/api/v1/endpoints/\(endpointID)/service-clients", headers: [key, ("Content-Type", "application/json")], body: items)
        #expect(endpointGrant.status == 201)
        #expect(try await fixture.call("ss-arcep", .GET, personCall, headers: [portal]).status == 200)
        #expect(try await fixture.call("ss-arcep", .DELETE, personCall, headers: [portal]).header("X-Road-Error") == "Server.ServerProxy.AccessDenied")

        let unknown = try await fixture.call(
            "ss-asin", .POST, persons + "/service-clients", headers: [key, ("Content-Type", "application/json")],
            body: #"{"items":[{"id":"BJ-SANDBOX:COM:NOPE:X","service_client_type":"SUBSYSTEM"}]}"#)
        #expect(unknown.status == 400 && unknown.body.contains("items[0].id"))
        await fixture.stop()
    }

    @Test func disableEnableAndRetimeAService() async throws {
        let fixture = try await ExchangeFixture()
        let client = ("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let descriptions = try #require(
            try json(try await fixture.call("ss-asin", .GET, "/api/v1/clients/BJ-SANDBOX%3AGOV%3AANIP%3ARNPP/service-descriptions", headers: [key]).body) as? [[String: Any]])
        let description = try #require(descriptions.first)
        #expect(description["type"] as? String == "OPENAPI3" && description["disabled"] as? Bool == false)
        let id = try #require(description["id"] as? String)
        let disabled = try await fixture.call(
            "ss-asin", .PUT, "/api/v1/service-descriptions/\(id)/disable", headers: [key, ("Content-Type", "application/json")],
            body: #"{"disabled_notice":"Maintenance jusqu'à 14 h"}"#)
        #expect(disabled.status == 204)
        let refused = try await fixture.call("ss-arcep", .GET, personCall, headers: [client])
        #expect(refused.header("X-Road-Error") == "Server.ServerProxy.ServiceDisabled")
        #expect(refused.body.contains("Maintenance jusqu'à 14 h"))
        _ = try await fixture.call("ss-asin", .PUT, "/api/v1/service-descriptions/\(id)/enable", headers: [key])
        #expect(try await fixture.call("ss-arcep", .GET, personCall, headers: [client]).status == 200)

        let badTimeout = try await fixture.call("ss-asin", .PATCH, persons, headers: [key, ("Content-Type", "application/json")], body: #"{"timeout":0}"#)
        #expect(badTimeout.status == 400 && badTimeout.body.contains("timeout"))
        let badURL = try await fixture.call("ss-asin", .PATCH, persons, headers: [key, ("Content-Type", "application/json")], body: #"{"url":"ftp://x"}"#)
        #expect(badURL.status == 400)
        let moved = try await fixture.call(
            "ss-asin", .PATCH, persons, headers: [key, ("Content-Type", "application/json")], body: #"{"url":"http://127.0.0.1:1/v1/persons","timeout":5}"#)
        #expect((try json(moved.body) as? [String: Any])?["timeout"] as? Int == 5)
        #expect(try await fixture.call("ss-arcep", .GET, personCall, headers: [client]).header("X-Road-Error") == "Server.ServerProxy.NetworkError")
        let missing = try await fixture.call("ss-asin", .GET, "/api/v1/services/BJ-SANDBOX%3AGOV%3ANOPE%3AX%3Ay", headers: [key])
        #expect(missing.status == 404)
        await fixture.stop()
    }
}
