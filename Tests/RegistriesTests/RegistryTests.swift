import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SandboxCore
import Testing
@testable import Registries

@Suite("Registries: RCCM, RNPP (REST) and IFU (SOAP) from the committed fixtures")
struct RegistryTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures").standardized
    static let logger: Logger = {
        var logger = Logger(label: "registries-tests")
        logger.logLevel = .critical
        return logger
    }()

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func theFixturesHoldEnoughRecordsAndTheirCrossReferencesHold() throws {
        let registries = try Registries(fixturesDirectory: Self.fixtures)
        #expect(registries.companies.records.count >= 20)
        #expect(registries.persons.records.count >= 40)
        #expect(registries.companies.notice.contains("inventées"))
        var unknownManagers: [String] = []
        for company in registries.companies.records {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(company.json.utf8)) as? [String: Any])
            let ifu = try #require(object["ifu"] as? String)
            #expect(registries.taxpayers.record(ifu) != nil, "\(company.key) has IFU \(ifu) unknown to the DGI")
            for manager in object["managers"] as? [[String: Any]] ?? [] {
                let npi = try #require(manager["npi"] as? String)
                if registries.persons.record(npi) == nil { unknownManagers.append(npi) }
            }
        }
        // Exactly the documented negative case.
        #expect(unknownManagers == ["1099999999"])
        for taxpayer in registries.taxpayers.records {
            let digits = taxpayer.key.compactMap(\.wholeNumberValue)
            #expect(digits.count == 13 && digits[12] == digits[0..<12].reduce(0, +) % 10, "IFU \(taxpayer.key)")
        }
    }

    @Test func rccmLookupAndSearch() async throws {
        let registries = try Registries(fixturesDirectory: Self.fixtures)
        let app = Application(router: RegistryRouters.rccm(registries, logger: Self.logger))
        try await app.test(.router) { client in
            let found = try await client.execute(uri: "/v1/companies?rccm=RB%2FCOT%2F24%20B%2000042", method: .get)
            #expect(found.status == .ok)
            let items = try #require(try json(found.body)["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["name"] as? String == "DÉMO TÉLÉCOM SARL" && items[0]["status"] as? String == "ACTIVE")
            let search = try await client.execute(uri: "/v1/companies?name=telecom", method: .get)
            #expect((try json(search.body)["items"] as? [[String: Any]])?.isEmpty == false)
            let none = try await client.execute(uri: "/v1/companies?rccm=nope", method: .get)
            #expect((try json(none.body)["items"] as? [Any])?.isEmpty == true)
            let bad = try await client.execute(uri: "/v1/companies", method: .get)
            #expect(bad.status == .badRequest)
            #expect(try json(bad.body)["error"] as? String == "MISSING_QUERY")
            let description = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(String(buffer: description.body).hasPrefix("openapi: 3.0.3"))
        }
    }

    @Test func rnppLookup() async throws {
        let registries = try Registries(fixturesDirectory: Self.fixtures)
        let app = Application(router: RegistryRouters.rnpp(registries, logger: Self.logger))
        try await app.test(.router) { client in
            let person = try await client.execute(uri: "/v1/persons/1000000042", method: .get)
            #expect(try json(person.body)["lastName"] as? String == "AGOSSOU")
            let missing = try await client.execute(uri: "/v1/persons/1000000099", method: .get)
            #expect(missing.status == .notFound)
            #expect(try json(missing.body)["error"] as? String == "PERSON_NOT_FOUND")
            let invalid = try await client.execute(uri: "/v1/persons/12ab", method: .get)
            #expect(invalid.status == .badRequest)
        }
    }

    static let request = """
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd" \
        xmlns:id="http://x-road.eu/xsd/identifiers" xmlns:ifu="http://dgi.sandbox.bj/ifu">
          <soapenv:Header>
            <xrd:client id:objectType="SUBSYSTEM"><id:xRoadInstance>BJ-SANDBOX</id:xRoadInstance><id:memberClass>GOV</id:memberClass><id:memberCode>ARCEP</id:memberCode><id:subsystemCode>AGREMENT-FAI</id:subsystemCode></xrd:client>
            <xrd:id>BJ-SANDBOX-1</xrd:id>
            <xrd:protocolVersion>4.0</xrd:protocolVersion>
          </soapenv:Header>
          <soapenv:Body><ifu:getTaxpayer><ifu>IFU_NUMBER</ifu></ifu:getTaxpayer></soapenv:Body>
        </soapenv:Envelope>
        """

    @Test func ifuOverSOAPCopiesTheXRoadHeader() async throws {
        let registries = try Registries(fixturesDirectory: Self.fixtures)
        let app = Application(router: RegistryRouters.ifu(registries, logger: Self.logger))
        try await app.test(.router) { client in
            let headers: HTTPFields = [.contentType: "text/xml; charset=utf-8"]
            let arrears = try await client.execute(
                uri: "/", method: .post, headers: headers, body: ByteBuffer(string: Self.request.replacingOccurrences(of: "IFU_NUMBER", with: "3202001001414")))
            #expect(arrears.status == .ok)
            let text = String(buffer: arrears.body)
            #expect(text.contains("<found>true</found>"))
            #expect(text.contains("<status>IN_ARREARS</status>"))
            #expect(text.contains("<xrd:id xmlns:xrd=\"http://x-road.eu/xsd/xroad.xsd\">BJ-SANDBOX-1</xrd:id>"))
            #expect(text.contains("<id:memberCode xmlns:id=\"http://x-road.eu/xsd/identifiers\">ARCEP</id:memberCode>") || text.contains("<id:memberCode>ARCEP</id:memberCode>"))
            let unknown = try await client.execute(
                uri: "/", method: .post, headers: headers, body: ByteBuffer(string: Self.request.replacingOccurrences(of: "IFU_NUMBER", with: "0000000000000")))
            #expect(String(buffer: unknown.body).contains("<found>false</found>"))
        }
    }

    @Test(arguments: [
        "not xml at all",
        #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a>&lol2;</a>"#,
        #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>"#,
        #"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><other/></soapenv:Body></soapenv:Envelope>"#,
        String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200),
        // libxml2 lets the name ":" through; its empty prefix once crashed the whole process.
        "<:/>", "<:Envelope xmlns:=\"http://schemas.xmlsoap.org/soap/envelope/\"/>",
        "\u{FEFF}<a/>\u{0}",
    ])
    func hostileSOAPGetsAFaultNotACrash(body: String) async throws {
        let registries = try Registries(fixturesDirectory: Self.fixtures)
        let app = Application(router: RegistryRouters.ifu(registries, logger: Self.logger))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/", method: .post, headers: [.contentType: "text/xml"], body: ByteBuffer(string: body))
            #expect(response.status == .internalServerError)
            let text = String(buffer: response.body)
            #expect(text.contains("<faultcode>Client</faultcode>"))
            #expect(!text.contains("root:"))
        }
    }
}
