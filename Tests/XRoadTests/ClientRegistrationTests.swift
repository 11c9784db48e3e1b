import Foundation
import NIOHTTP1
import SandboxTesting
import Testing
@testable import XRoad

/// What a trainee does on a real security server, end to end: add their subsystem, register it with the
/// central server, publish a service from its OpenAPI description, grant access, enable it; the other
/// organisation's server then routes to it through the global configuration.
@Suite("Admin API: clients and service descriptions")
struct ClientRegistrationTests {
    let key = ("Authorization", "X-Road-ApiKey token=test-admin-token-0123456789")
    let json = ("Content-Type", "application/json")
    let portal = ("X-Road-Client", "BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")
    let trainee = "BJ-SANDBOX%3ACOM%3ABJ-0000000002%3ATRAINEE-07"

    /// `POST /api/v1/clients` on ss-asin for the trainee's subsystem (saved, not registered).
    func addTrainee(_ fixture: ExchangeFixture) async throws -> ExchangeFixture.Reply {
        try await fixture.call("ss-asin", .POST, "/api/v1/clients", headers: [key, json], body: #"{"client":{"member_class":"COM","member_code":"BJ-0000000002","subsystem_code":"TRAINEE-07","subsystem_name":"Stagiaire 07"},"ignore_warnings":false}"#)
    }

    /// The body of `POST /api/v1/clients/{trainee}/service-descriptions` for the backend's OpenAPI example.
    func traineeDescription(_ fixture: ExchangeFixture) -> String {
        #"{"url":"\#(fixture.urls["backend"]!)/trainee/openapi.json","type":"OPENAPI3","rest_service_code":"orders"}"#
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aNewSubsystemPublishesAnOpenAPIServiceThatTheOtherServerReaches() async throws {
        let fixture = try await ExchangeFixture()
        let call = "/r1/BJ-SANDBOX/COM/BJ-0000000002/TRAINEE-07/orders/orders/12"

        let added = try await addTrainee(fixture)
        #expect(added.status == 201)
        #expect(try object(added.body)["status"] as? String == "SAVED")
        // Not registered yet: the consumer's server finds no address for it.
        #expect(try await fixture.call("ss-arcep", .GET, call, headers: [portal]).header("X-Road-Error") == "Server.ClientProxy.UnknownMember")

        #expect(try await fixture.call("ss-asin", .PUT, "/api/v1/clients/\(trainee)/register", headers: [key]).status == 204)
        #expect(try object(try await fixture.call("ss-asin", .GET, "/api/v1/clients/\(trainee)", headers: [key]).body)["status"] as? String == "REGISTERED")
        #expect(fixture.central.document.securityServers.first { $0.name == "ss-asin" }?.clients.contains("BJ-SANDBOX:COM:BJ-0000000002:TRAINEE-07") == true)
        #expect(fixture.central.document.subsystems.contains { $0.id == "BJ-SANDBOX:COM:BJ-0000000002:TRAINEE-07" && $0.name == "Stagiaire 07" })

        let description = try await fixture.call(
            "ss-asin", .POST, "/api/v1/clients/\(trainee)/service-descriptions", headers: [key, json],
            body: traineeDescription(fixture))
        #expect(description.status == 201)
        let document = try object(description.body)
        #expect(document["disabled"] as? Bool == true)
        #expect(document["disabled_notice"] as? String == "Out of order")
        let service = try #require((document["services"] as? [[String: Any]])?.first)
        #expect(service["url"] as? String == fixture.urls["backend"]! + "/v1/trainee")
        #expect(service["timeout"] as? Int == 60)
        let endpoints = (service["endpoints"] as? [[String: Any]] ?? []).map { "\($0["method"] as? String ?? "") \($0["path"] as? String ?? "")" }
        #expect(endpoints == ["GET /orders", "POST /orders", "GET /orders/*", "DELETE /orders/*"])

        // The checks in the real order: access rights first, then the disabled flag.
        #expect(try await fixture.call("ss-arcep", .GET, call, headers: [portal]).header("X-Road-Error") == "Server.ServerProxy.AccessDenied")
        let grant = #"{"items":[{"id":"BJ-SANDBOX:COM:BJ-0000000001:PORTAIL","service_client_type":"SUBSYSTEM"}]}"#
        #expect(try await fixture.call("ss-asin", .POST, "/api/v1/services/\(trainee)%3Aorders/service-clients", headers: [key, json], body: grant).status == 201)
        let disabled = try await fixture.call("ss-arcep", .GET, call, headers: [portal])
        #expect(disabled.header("X-Road-Error") == "Server.ServerProxy.ServiceDisabled")
        #expect(disabled.body.contains("Out of order"))

        let id = try #require(document["id"] as? String)
        #expect(try await fixture.call("ss-asin", .PUT, "/api/v1/service-descriptions/\(id)/enable", headers: [key]).status == 204)
        let answered = try await fixture.call("ss-arcep", .GET, call, headers: [portal])
        #expect(answered.status == 200)
        #expect(try object(answered.body)["path"] as? String == "/v1/trainee/orders/12")

        // The provider's server lists it among the subsystem's methods.
        let methods = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/COM/BJ-0000000002/TRAINEE-07/listMethods", headers: [portal, ("Accept", "application/json")])
        #expect(methods.status == 200 && methods.body.contains(#""service_code":"orders""#))

        // The same URL or service code twice is a conflict; the description can be deleted with its rights.
        let again = try await fixture.call(
            "ss-asin", .POST, "/api/v1/clients/\(trainee)/service-descriptions", headers: [key, json],
            body: #"{"url":"\#(fixture.urls["backend"]!)/trainee/openapi.json","type":"OPENAPI3","rest_service_code":"other"}"#)
        #expect(again.status == 409)
        let sameCode = try await fixture.call(
            "ss-asin", .POST, "/api/v1/clients/\(trainee)/service-descriptions", headers: [key, json],
            body: #"{"url":"\#(fixture.urls["backend"]!)/v1/plain","type":"REST","rest_service_code":"ORDERS"}"#)
        #expect(sameCode.status == 409 && sameCode.body.contains("ORDERS"))

        // Persisted: the configuration file, reopened, has the client, the description and the right.
        let reopened = try SecurityServerConfiguration(
            url: fixture.directory.file("data/xroad/ss-asin/conf.sqlite"), topology: fixture.topology, serverName: "ss-asin")
        #expect(reopened.client(try XRoadClientID.parse("BJ-SANDBOX/COM/BJ-0000000002/TRAINEE-07"))?.status == .registered)
        #expect(reopened.hostedServices.contains { $0.id.serviceCode == "orders" && $0.enabled && $0.endpoints.count == 4 })
        #expect(reopened.current.accessRights.contains { $0.service.serviceCode == "orders" && $0.subject.subsystemCode == "PORTAIL" })

        #expect(try await fixture.call("ss-asin", .DELETE, "/api/v1/service-descriptions/\(id)", headers: [key]).status == 204)
        #expect(try await fixture.call("ss-arcep", .GET, call, headers: [portal]).header("X-Road-Error") == "Server.ServerProxy.UnknownService")
        // Descriptions from the topology file stay.
        #expect(try await fixture.call("ss-asin", .DELETE, "/api/v1/service-descriptions/1", headers: [key]).status == 409)
        await fixture.stop()
    }

    @Test func theSameDescriptionPostedFourTimesAtOnceIsAddedOnce() async throws {
        let fixture = try await ExchangeFixture()
        #expect(try await addTrainee(fixture).status == 201)
        let body = traineeDescription(fixture)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await fixture.call("ss-asin", .POST, "/api/v1/clients/\(trainee)/service-descriptions", headers: [key, json], body: body).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted()
        }
        #expect(statuses == [201, 409, 409, 409])
        let listed = try await fixture.call("ss-asin", .GET, "/api/v1/clients/\(trainee)/service-descriptions", headers: [key])
        #expect(listed.body.components(separatedBy: "/trainee/openapi.json").count == 2, "one description: \(listed.body)")
        await fixture.stop()
    }

    @Test func aDescriptionAddedMeanwhileByAnotherWriterIsAConflictNotAnError() async throws {
        let fixture = try await ExchangeFixture()
        #expect(try await addTrainee(fixture).status == 201)
        // A second writer whose view predates the description, as a request racing the first one has.
        let stale = try SecurityServerConfiguration(url: fixture.directory.file("data/xroad/ss-asin/conf.sqlite"), topology: fixture.topology, serverName: "ss-asin")
        let posted = try await fixture.call(
            "ss-asin", .POST, "/api/v1/clients/\(trainee)/service-descriptions", headers: [key, json],
            body: traineeDescription(fixture))
        #expect(posted.status == 201)
        let added = try #require(fixture.servers["ss-asin"]?.configuration.descriptions.last)
        let sameURL = #expect(throws: SecurityServerConfiguration.Conflict.self) {
            try stale.addDescription(client: added.client, url: added.url, type: added.type, services: [])
        }
        #expect(sameURL?.description.contains("already has a service description with the URL") == true)
        let sameCode = #expect(throws: SecurityServerConfiguration.Conflict.self) {
            try stale.addDescription(client: added.client, url: fixture.urls["backend"]! + "/other.json", type: added.type, services: added.services)
        }
        #expect(sameCode?.description.contains("already has a service with the code orders") == true)
        #expect(try await fixture.call("ss-asin", .GET, "/api/v1/clients/\(trainee)/service-descriptions", headers: [key]).status == 200)
        await fixture.stop()
    }

    @Test func aClientCallsOnlyOnceRegisteredAndLeavesThroughUnregistration() async throws {
        let fixture = try await ExchangeFixture()
        let lab = "BJ-SANDBOX%3AGOV%3AARCEP%3ALAB"
        let added = try await fixture.call(
            "ss-arcep", .POST, "/api/v1/clients", headers: [key, json], body: #"{"client":{"member_class":"GOV","member_code":"ARCEP","subsystem_code":"LAB"}}"#)
        #expect(added.status == 201)
        #expect(try object(added.body)["connection_type"] as? String == "HTTP")
        let companies = "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies/RB-COT-24-B-00042"
        let saved = try await fixture.call("ss-arcep", .GET, companies, headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/LAB"), ("Accept-Language", "en")])
        #expect(saved.header("X-Road-Error") == "Server.ClientProxy.UnknownMember")
        #expect(saved.header("X-Sandbox-Explain")?.contains("SAVED") == true)
        #expect(try await fixture.call("ss-arcep", .POST, "/api/v1/clients", headers: [key, json], body: #"{"client":{"member_class":"GOV","member_code":"ARCEP","subsystem_code":"LAB"}}"#).status == 409)

        #expect(try await fixture.call("ss-arcep", .DELETE, "/api/v1/clients/BJ-SANDBOX%3AGOV%3AARCEP%3AAGREMENT-FAI", headers: [key]).status == 409)
        #expect(try await fixture.call("ss-arcep", .PUT, "/api/v1/clients/\(lab)/register", headers: [key]).status == 204)
        #expect(try await fixture.call("ss-arcep", .PUT, "/api/v1/clients/\(lab)/register", headers: [key]).status == 409)
        // Registered: it reaches the provider, which has granted it nothing.
        let registered = try await fixture.call("ss-arcep", .GET, companies, headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/LAB")])
        #expect(registered.header("X-Road-Error") == "Server.ServerProxy.AccessDenied")
        // The provider's admin API accepts it as a subject once the central server knows it.
        let grant = #"{"items":[{"id":"BJ-SANDBOX:GOV:ARCEP:LAB","service_client_type":"SUBSYSTEM"}]}"#
        #expect(try await fixture.call("ss-asin", .POST, "/api/v1/services/BJ-SANDBOX%3AGOV%3AAPIEX%3ARCCM%3Acompanies/service-clients", headers: [key, json], body: grant).status == 201)
        #expect(try await fixture.call("ss-arcep", .GET, companies, headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/LAB")]).status == 200)

        #expect(try await fixture.call("ss-arcep", .PUT, "/api/v1/clients/\(lab)/unregister", headers: [key]).status == 204)
        #expect(try object(try await fixture.call("ss-arcep", .GET, "/api/v1/clients/\(lab)", headers: [key]).body)["status"] as? String == "DELETION_IN_PROGRESS")
        #expect(fixture.central.document.securityServers.first { $0.name == "ss-arcep" }?.clients.contains("BJ-SANDBOX:GOV:ARCEP:LAB") == false)
        #expect(try await fixture.call("ss-arcep", .DELETE, "/api/v1/clients/\(lab)", headers: [key]).status == 204)
        #expect(try await fixture.call("ss-arcep", .GET, "/api/v1/clients/\(lab)", headers: [key]).status == 404)
        await fixture.stop()
    }

    @Test func badClientsAndDescriptionsAreRefusedByName() async throws {
        let fixture = try await ExchangeFixture()
        func add(_ body: String) async throws -> ExchangeFixture.Reply {
            try await fixture.call("ss-arcep", .POST, "/api/v1/clients", headers: [key, json], body: body)
        }
        let cases: [(String, String)] = [
            (#"{"client":{"member_class":"XXX","member_code":"ARCEP","subsystem_code":"A"}}"#, "client.member_class"),
            (#"{"client":{"member_class":"GOV","member_code":"NOBODY","subsystem_code":"A"}}"#, "client.member_code"),
            (#"{"client":{"member_class":"GOV","member_code":"ARCEP"}}"#, "client.subsystem_code"),
            (#"{"client":{"member_class":"GOV","member_code":"ARCEP","subsystem_code":"a/b"}}"#, "client.subsystem_code"),
            (#"{"client":{"member_class":"GOV","member_code":"ARCEP","subsystem_code":"A","connection_type":"FTP"}}"#, "client.connection_type"),
            (#"{"client":{"member_class":"GOV"}}"#, "client.member_code"),
            (#"not json"#, "body"),
        ]
        for (body, field) in cases {
            let reply = try await add(body)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.body.contains(field), "\(body): \(reply.body)")
        }
        // A subsystem registered elsewhere needs ignore_warnings.
        let elsewhere = try await add(#"{"client":{"member_class":"GOV","member_code":"APIEX","subsystem_code":"RCCM"}}"#)
        #expect(elsewhere.status == 409 && elsewhere.body.contains("ss-asin"))

        let client = "/api/v1/clients/BJ-SANDBOX%3AGOV%3AARCEP%3AAGREMENT-FAI/service-descriptions"
        let backend = fixture.urls["backend"]!
        let descriptions: [(String, Int, String)] = [
            (#"{"url":"\#(backend)/trainee/openapi.json","type":"SWAGGER","rest_service_code":"x"}"#, 400, "type"),
            (#"{"url":"ftp://example/x","type":"REST","rest_service_code":"x"}"#, 400, "url"),
            (#"{"url":"\#(backend)/v1/x","type":"REST"}"#, 400, "rest_service_code"),
            (#"{"url":"\#(backend)/v1/x","type":"REST","rest_service_code":"a:b"}"#, 400, "rest_service_code"),
            (#"{"url":"\#(backend)/missing.yaml","type":"OPENAPI3","rest_service_code":"x"}"#, 400, "404"),
            (#"{"url":"\#(backend)/ifu.wsdl","type":"OPENAPI3","rest_service_code":"x"}"#, 400, "url"),
            (#"{"url":"\#(backend)/ifu.wsdl","type":"WSDL"}"#, 400, "operation"),
            (#"{"url":"http://127.0.0.1:1/x.wsdl","type":"WSDL"}"#, 400, "cannot download"),
        ]
        for (body, status, mention) in descriptions {
            let reply = try await fixture.call("ss-arcep", .POST, client, headers: [key, json], body: body)
            #expect(reply.status == status, "\(body): \(reply.body)")
            #expect(reply.body.contains(mention), "\(body): \(reply.body)")
        }
        #expect(try await fixture.call("ss-arcep", .POST, "/api/v1/clients/BJ-SANDBOX%3AGOV%3AARCEP%3ANONE/service-descriptions", headers: [key, json], body: "{}").status == 404)
        await fixture.stop()
    }

    @Test func aWSDLGivesOneServicePerOperationWithItsVersion() async throws {
        let fixture = try await ExchangeFixture()
        let reply = try await fixture.call(
            "ss-asin", .POST, "/api/v1/clients/BJ-SANDBOX%3AGOV%3ADGI%3AIFU/service-descriptions", headers: [key, json],
            body: #"{"url":"\#(fixture.urls["backend"]!)/trainee.wsdl","type":"WSDL"}"#)
        #expect(reply.status == 201)
        let services = try #require(try object(reply.body)["services"] as? [[String: Any]])
        #expect(services.map { $0["full_service_code"] as? String } == ["getLicence.v2", "listLicences"])
        #expect(services.allSatisfy { $0["url"] as? String == fixture.urls["backend"]! + "/" })
        #expect(services.first?["id"] as? String == "BJ-SANDBOX:GOV:DGI:IFU:getLicence:v2")
        // The new SOAP service is served by its WSDL once the description exists.
        let wsdl = try await fixture.call(
            "ss-arcep", .GET, "/wsdl?xRoadInstance=BJ-SANDBOX&memberClass=GOV&memberCode=DGI&subsystemCode=IFU&serviceCode=getLicence&version=v2",
            headers: [portal])
        #expect(wsdl.body.contains("getLicence"))
        await fixture.stop()
    }
}

/// The central server alone: what it accepts, and that it keeps it.
@Suite("Central server")
struct CentralServerTests {
    @Test func registrationsPersistAndBumpTheVersion() throws {
        let directory = try TemporaryDirectory("central")
        let topology = try TopologyLoader.load(contentsOf: TopologyTests.fixtureURL, variables: TopologyTests.variables)
        let central = try CentralServer(url: directory.file("central.sqlite"), topology: topology)
        #expect(central.document.version == 0)
        #expect(central.document.securityServers.first { $0.name == "ss-arcep" }?.clients.contains("BJ-SANDBOX:GOV:ARCEP:AGREMENT-FAI") == true)

        let lab = try XRoadClientID.parse("BJ-SANDBOX/ORG/ANY/LAB")
        #expect(throws: CentralServer.RequestError.self) { try central.register(lab, name: nil, on: "ss-arcep") }
        let trainee = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/LAB")
        #expect(throws: CentralServer.RequestError.self) { try central.register(trainee, name: nil, on: "ss-nowhere") }
        // Published for good and parsed by every server: a forbidden character never gets in.
        let colon = XRoadClientID(instance: "BJ-SANDBOX", memberClass: "GOV", memberCode: "ARCEP", subsystemCode: "A:B")
        #expect(throws: CentralServer.RequestError.self) { try central.register(colon, name: nil, on: "ss-arcep") }
        #expect(try central.register(trainee, name: "Labo", on: "ss-arcep") == 1)

        let reopened = try CentralServer(url: directory.file("central.sqlite"), topology: topology)
        #expect(reopened.document.version == 1)
        #expect(reopened.document.subsystems.contains { $0.id == "BJ-SANDBOX:GOV:ARCEP:LAB" && $0.name == "Labo" })
        #expect(try reopened.unregister(trainee, from: "ss-arcep") == 2)
        #expect(reopened.document.securityServers.first { $0.name == "ss-arcep" }?.clients.contains(trainee.adminID) == false)

        // A server applies the document: the subsystem exists in its topology, registered nowhere now.
        let applied = topology.applying(reopened.document)
        #expect(applied.knows(trainee))
        #expect(applied.securityServers(hosting: trainee).isEmpty)
    }
}
