import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SandboxCrypto
import Testing
@testable import XRoad

/// SOAP (X-Road message protocol 4.0) through both security servers.
@Suite("SOAP exchange between two security servers")
struct SoapExchangeTests {
    static func envelope(client: String = "<id:xRoadInstance>BJ-SANDBOX</id:xRoadInstance><id:memberClass>GOV</id:memberClass><id:memberCode>ARCEP</id:memberCode><id:subsystemCode>AGREMENT-FAI</id:subsystemCode>",
                         service: String = "getTaxpayer", protocolVersion: String = "4.0", body: String = "<ifu:getTaxpayer><ifu>3202400004218</ifu></ifu:getTaxpayer>") -> String {
        """
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd" \
        xmlns:id="http://x-road.eu/xsd/identifiers" xmlns:ifu="http://dgi.sandbox.bj/ifu"><soapenv:Header>\
        <xrd:client id:objectType="SUBSYSTEM">\(client)</xrd:client>\
        <xrd:service id:objectType="SERVICE"><id:xRoadInstance>BJ-SANDBOX</id:xRoadInstance><id:memberClass>GOV</id:memberClass><id:memberCode>DGI</id:memberCode><id:subsystemCode>IFU</id:subsystemCode><id:serviceCode>\(service)</id:serviceCode><id:serviceVersion>v1</id:serviceVersion></xrd:service>\
        <xrd:userId>BJ1000000042</xrd:userId><xrd:id>soap-msg-1</xrd:id><xrd:protocolVersion>\(protocolVersion)</xrd:protocolVersion></soapenv:Header>\
        <soapenv:Body>\(body)</soapenv:Body></soapenv:Envelope>
        """
    }

    static let soapHeaders = [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "getTaxpayer"), ("X-Secret", "not for the backend")]

    @Test func aSoapCallGetsItsAnswerWithTheRequestHash() async throws {
        let fixture = try await ExchangeFixture()
        let request = Self.envelope()
        let reply = try await fixture.call("ss-arcep", .POST, "/", headers: Self.soapHeaders, body: request)
        #expect(reply.status == 200)
        #expect(reply.body.contains("<found>true</found>"), "\(reply.body)")
        #expect(reply.body.contains("<action>getTaxpayer</action>"))
        #expect(reply.body.contains("<leaked>no</leaked>"), "only Content-Type and SOAPAction reach the service")
        let hash = Data(DigestAlgorithm.sha512.hash(Array(request.utf8))).base64EncodedString()
        #expect(reply.body.contains(#"algorithmId="http://www.w3.org/2001/04/xmlenc#sha512">\#(hash)</xrd:requestHash>"#))
        await fixture.stop()
    }

    @Test func soapLibrariesUsingTheServerAsAProxyWork() async throws {
        let fixture = try await ExchangeFixture()
        // An absolute-form request target, as an HTTP proxy receives it.
        let url = try #require(URL(string: fixture.urls["ss-arcep"]!))
        let reply = try RawHTTP.post(host: "127.0.0.1", port: url.port!, target: "http://ss-arcep.local:8080/", headers: ["Content-Type: text/xml"], body: Self.envelope())
        #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply.prefix(300))")
        #expect(reply.contains("<found>true</found>"))
        // REST through the server used as a proxy works the same.
        let rest = try RawHTTP.post(
            host: "127.0.0.1", port: url.port!, target: "http://ss-arcep.local:8080/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies/search",
            headers: ["X-Road-Client: BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI", "Content-Type: application/json"], body: "{}")
        #expect(rest.hasPrefix("HTTP/1.1 200"), "\(rest.prefix(300))")
        await fixture.stop()
    }

    @Test func soapFaultsAreHTTP200WithTheCodeInFaultcode() async throws {
        let fixture = try await ExchangeFixture()
        let get = try await fixture.call("ss-arcep", .GET, "/")
        #expect(get.status == 200)
        #expect(get.body.contains("<faultcode>Client.InvalidHttpMethod</faultcode><faultstring>Must use POST request method instead of GET</faultstring>"))
        #expect(get.header("SOAPAction") == "")
        let r2 = try await fixture.call("ss-arcep", .GET, "/r2/BJ-SANDBOX/GOV/APIEX/RCCM/companies")
        #expect(r2.body.contains("Client.InvalidHttpMethod"), "only /r1/ is REST")

        let cases: [(String, String)] = [
            (Self.envelope(protocolVersion: "3.1"), "Client.InvalidProtocolVersion"),
            (Self.envelope().replacingOccurrences(of: "<xrd:id>soap-msg-1</xrd:id>", with: ""), "Client.MissingHeaderField"),
            ("<not-soap/>", "Client.InvalidSoap"),
            (#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#, "Client.InvalidSoap"),
            (Self.envelope(client: "<id:xRoadInstance>BJ-SANDBOX</id:xRoadInstance><id:memberClass>COM</id:memberClass><id:memberCode>BJ-0000000002</id:memberCode><id:subsystemCode>CRM</id:subsystemCode>"), "Server.ClientProxy.UnknownMember"),
            (Self.envelope(service: "nope"), "Server.ServerProxy.UnknownService"),
            (Self.envelope(client: "<id:xRoadInstance>BJ-SANDBOX</id:xRoadInstance><id:memberClass>COM</id:memberClass><id:memberCode>BJ-0000000001</id:memberCode><id:subsystemCode>PORTAIL</id:subsystemCode>"), "Server.ServerProxy.AccessDenied"),
            (Self.envelope(body: "<ifu:getTaxpayer><ifu>noheader</ifu></ifu:getTaxpayer>"), "Server.ServerProxy.ServiceFailed.MissingHeader"),
        ]
        for (body, code) in cases {
            let reply = try await fixture.call("ss-arcep", .POST, "/", headers: Self.soapHeaders, body: body)
            #expect(reply.status == 200)
            #expect(reply.body.contains("<faultcode>\(code)</faultcode>"), "\(code): \(reply.body.prefix(400))")
            #expect(!reply.body.contains("root:"))
        }
        let json = try await fixture.call("ss-arcep", .POST, "/", headers: [("Content-Type", "application/json")], body: "{}")
        #expect(json.body.contains("Client.InvalidContentType"))
        await fixture.stop()
    }

    @Test func aRestCallToASoapServiceAndBack() async throws {
        let fixture = try await ExchangeFixture()
        let soapToRest = Self.envelope().replacingOccurrences(of: "<id:memberCode>DGI</id:memberCode><id:subsystemCode>IFU</id:subsystemCode><id:serviceCode>getTaxpayer</id:serviceCode>", with: "<id:memberCode>APIEX</id:memberCode><id:subsystemCode>RCCM</id:subsystemCode><id:serviceCode>companies</id:serviceCode>")
        let reply = try await fixture.call("ss-arcep", .POST, "/", headers: Self.soapHeaders, body: soapToRest)
        #expect(reply.body.contains("<faultcode>Server.ServerProxy.ServiceType</faultcode>"))
        await fixture.stop()
    }
}

/// A raw HTTP/1.1 exchange over a socket, for request forms HTTP clients do not make (absolute-form targets).
enum RawHTTP {
    static func post(host: String, port: Int, target: String, headers: [String], body: String) throws -> String {
        let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard handle >= 0 else { throw TestFailure("socket") }
        defer { close(handle) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(handle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect") }
        let payload = Array(body.utf8)
        let head = (["POST \(target) HTTP/1.1", "Host: ss-arcep.local:8080", "Content-Length: \(payload.count)", "Connection: close"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        let bytes = Array(head.utf8) + payload
        _ = bytes.withUnsafeBytes { send(handle, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(handle, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
