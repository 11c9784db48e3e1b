import Foundation
import Testing
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
}
