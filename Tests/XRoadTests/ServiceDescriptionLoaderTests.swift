import Foundation
import Testing
import Yams
@testable import XRoad

/// What a service description may declare before it becomes services and endpoints of a security server.
@Suite("Service description loader")
struct ServiceDescriptionLoaderTests {
    static func wsdl(version: String) -> [UInt8] {
        Array("""
            <wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd">
              <wsdl:binding name="b"><wsdl:operation name="getTaxpayer"><xrd:version>\(version)</xrd:version></wsdl:operation></wsdl:binding>
              <wsdl:service name="s"><wsdl:port name="p" binding="b"><soap:address location="http://127.0.0.1:9102/"/></wsdl:port></wsdl:service>
            </wsdl:definitions>
            """.utf8)
    }

    @Test func aWSDLVersionIsAnIdentifierPart() throws {
        #expect(try ServiceDescriptionLoader.wsdl(Self.wsdl(version: "v1"), from: "http://x/wsdl").map(\.version) == ["v1"])
        let error = #expect(throws: ServiceDescriptionLoader.Failure.self) { try ServiceDescriptionLoader.wsdl(Self.wsdl(version: "v1:x"), from: "http://x/wsdl") }
        #expect(error?.description.contains("getTaxpayer") == true)
    }

    /// Endpoint ids are the description's id × 1000 + the endpoint's index: a thousandth would collide.
    @Test func anOpenAPIDocumentHasAtMost999Endpoints() throws {
        func document(paths: Int) -> [UInt8] {
            let items = (0..<paths).map { "\"/p\($0)\": {\"get\": {}}" }.joined(separator: ",")
            return Array("{\"openapi\": \"3.0.0\", \"servers\": [{\"url\": \"http://127.0.0.1:9101/v1\"}], \"paths\": {\(items)}}".utf8)
        }
        #expect(try ServiceDescriptionLoader.openAPI(document(paths: 999), from: "http://x/openapi.json").endpoints.count == 999)
        let error = #expect(throws: ServiceDescriptionLoader.Failure.self) { try ServiceDescriptionLoader.openAPI(document(paths: 1000), from: "http://x/openapi.json") }
        #expect(error?.description.contains("at most 999") == true)
    }

    /// Nine levels of ten aliases each: a few hundred bytes that would become 10⁹ values. Refused before
    /// any value is built (without the count, this test would not end).
    @Test func aYAMLAliasBombIsRefused() throws {
        var lines = ["openapi: \"3.0.0\"", "servers: [{url: \"http://127.0.0.1:9101/v1\"}]", "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append("l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        lines.append("paths: {\"/bomb\": {get: {x-laughs: *l9}}}")
        let bomb = Array(lines.joined(separator: "\n").utf8)
        #expect(bomb.count < 1_000)
        let error = #expect(throws: ServiceDescriptionLoader.Failure.self) { try ServiceDescriptionLoader.openAPI(bomb, from: "http://x/openapi.yaml") }
        #expect(error?.description.contains("alias") == true, "\(String(describing: error))")
    }

    /// Anchors and aliases used as YAML intends (a shared block, repeated a few times) still load.
    @Test func reasonableAliasesStillLoad() throws {
        let yaml = """
            openapi: "3.0.1"
            servers: [{url: "http://127.0.0.1:9101/v1"}]
            x-shared: &answer {responses: {"200": {description: ok}}}
            paths:
              /companies: {get: *answer}
              /companies/{rccm}: {get: *answer, delete: *answer}
            """
        let loaded = try ServiceDescriptionLoader.openAPI(Array(yaml.utf8), from: "http://x/openapi.yaml")
        #expect(loaded.baseURL == "http://127.0.0.1:9101/v1")
        #expect(loaded.endpoints.map { "\($0.method) \($0.path)" } == ["GET /companies", "GET /companies/*", "DELETE /companies/*"])
    }

    @Test func theCountStopsJustPastItsLimit() throws {
        let root = try #require(try Yams.compose(yaml: "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]"))
        #expect(BoundedYAML.expandedCount(of: root, limit: 1_000) == 1 + (1 + 11) + (1 + 1 + 10 * 11))
        #expect(BoundedYAML.expandedCount(of: root, limit: 20) == 21)
    }
}
