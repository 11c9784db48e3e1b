import Foundation
import SandboxCore
import Testing
@testable import XRoad

@Suite("X-Road REST protocol: identifiers, targets, headers, request hash")
struct ProtocolTests {
    @Test func clientIdentifiersArePercentDecodedPartByPart() throws {
        let client = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT%2DFAI")
        #expect(client.subsystemCode == "AGREMENT-FAI")
        #expect(client.description == "SUBSYSTEM:BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        #expect(client.adminID == "BJ-SANDBOX:GOV:ARCEP:AGREMENT-FAI")
        let member = try XRoadClientID.parse("BJ-SANDBOX/COM/BJ-0000000001")
        #expect(member.objectType == "MEMBER")
        // An encoded slash belongs to its part (PR-REST §4.2: BAR%2FSERVICE).
        let service = try XRoadServiceID.parse("INSTANCE/CLASS2/MEMBER2/SUBSYSTEM2/BAR%2FSERVICE")
        #expect(service.serviceCode == "BAR/SERVICE")
        #expect(service.headerValue == "INSTANCE/CLASS2/MEMBER2/SUBSYSTEM2/BAR%2FSERVICE")
        #expect(client.headerValue == "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI" && member.headerValue == "BJ-SANDBOX/COM/BJ-0000000001")
        let versioned = XRoadServiceID(provider: member, serviceCode: "get Tax", serviceVersion: "v1/β")
        #expect(versioned.headerValue == "BJ-SANDBOX/COM/BJ-0000000001/get%20Tax/v1%2F%CE%B2")
        let rest = XRoadServiceID(provider: client, serviceCode: "a b/c")
        #expect(try XRoadServiceID.parse(rest.headerValue) == rest)
        #expect(try XRoadClientID.parse("GOV/ARCEP/AGREMENT-FAI", instance: "BJ-SANDBOX") == client)
        #expect(try SecurityServerID.parse("BJ-SANDBOX/GOV/ASIN/SS-ASIN").description == "SERVER:BJ-SANDBOX/GOV/ASIN/SS-ASIN")
    }

    @Test(arguments: ["BJ-SANDBOX/GOV", "BJ-SANDBOX/GOV/ARCEP/A/B", "BJ-SANDBOX//ARCEP", "BJ-SANDBOX/GOV/%ZZ", "BJ-SANDBOX/GOV/AR%2", "BJ-SANDBOX/GOV/A%ZZB", ""])
    func malformedClientIdentifiersAreRefused(text: String) {
        #expect(throws: XRoadIdentifierError.self) { try XRoadClientID.parse(text) }
    }

    /// Parsed identifiers are kept by their text: a second parse gives the same value, distinct spellings
    /// of one identifier are distinct entries, and errors are never kept.
    @Test func parsedIdentifiersAreKeptAndErrorsAreNot() throws {
        let encoded = "BJ-SANDBOX/GOV/ARCEP/PARSED%2DONCE"
        let first = try XRoadClientID.parse(encoded)
        #expect(XRoadClientID.parsed.value(for: encoded) == first)
        #expect(try XRoadClientID.parse(encoded) == first)
        #expect(XRoadClientID.parsed.value(for: "BJ-SANDBOX/GOV/ARCEP/PARSED-ONCE") == nil, "another spelling, not parsed yet")
        #expect(try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/PARSED-ONCE") == first)
        for _ in 0..<2 {
            #expect(throws: XRoadIdentifierError.self) { try XRoadClientID.parse("BJ-SANDBOX/GOV/%ZZ") }
        }
        #expect(XRoadClientID.parsed.value(for: "BJ-SANDBOX/GOV/%ZZ") == nil, "an error is parsed (and reported) every time")
        let service = try XRoadServiceID.parse("BJ-SANDBOX/GOV/APIEX/RCCM/parsed-once")
        #expect(XRoadServiceID.parsed.value(for: "BJ-SANDBOX/GOV/APIEX/RCCM/parsed-once") == service)
    }

    @Test func registrationIsStrictWhereRunTimeOnlyWarns() {
        #expect(XRoadIdentifierText.registrationProblem("AGREMENT-FAI") == nil)
        #expect(XRoadIdentifierText.registrationProblem("A:B")?.contains("forbidden") == true)
        #expect(XRoadIdentifierText.registrationProblem("a\u{200B}b")?.contains("U+200B") == true)
        #expect(XRoadIdentifierText.registrationProblem("Agrément")?.contains("'é'") == true)
    }

    @Test func theSpecExampleTarget() throws {
        let target = try RestRequestTarget.parse("/r1/INSTANCE/CLASS2/MEMBER2/SUBSYSTEM2/BARSERVICE/v1/bar/zyggy?quu=1")
        #expect(target.service.description == "SERVICE:INSTANCE/CLASS2/MEMBER2/SUBSYSTEM2/BARSERVICE")
        #expect(target.servicePath == "/v1/bar/zyggy")
        #expect(target.query == "quu=1")
        #expect(target.backendURL(serviceURL: "http://backend:9101/api/") == "http://backend:9101/api/v1/bar/zyggy?quu=1")
        #expect(target.backendURL(serviceURL: "http://backend:9101/api") == "http://backend:9101/api/v1/bar/zyggy?quu=1")
        let bare = try RestRequestTarget.parse("/r1/I/C/M/S/svc")
        #expect(bare.servicePath.isEmpty && bare.query == nil)
        #expect(bare.backendURL(serviceURL: "http://b/x") == "http://b/x")
    }

    /// The service path and query stay as received, byte for byte: empty segments, a trailing `/`,
    /// non-ASCII text, an empty query; only the five id parts are decoded, each on its own.
    @Test(arguments: [
        ("/r1/I/C/M/S/svc/", "SERVICE:I/C/M/S/svc", "/", nil),
        ("/r1/I/C/M/S/svc//a//b/", "SERVICE:I/C/M/S/svc", "//a//b/", nil),
        ("/r1/I/C/M/S/svc/é/ü?q=é", "SERVICE:I/C/M/S/svc", "/é/ü", "q=é"),
        ("/r1/I/C/M/S/svc?", "SERVICE:I/C/M/S/svc", "", ""),
        ("/r1/I/C/M/S%2FX/svc/a?b?c", "SERVICE:I/C/M/S/X/svc", "/a", "b?c"),
    ] as [(String, String, String, String?)])
    func pathAndQueryAreKeptRaw(target: String, service: String, path: String, query: String?) throws {
        let parsed = try RestRequestTarget.parse(target)
        #expect(parsed.service.description == service)
        #expect(parsed.servicePath == path)
        #expect(parsed.query == query)
        #expect(parsed.rawPath == String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]))
    }

    @Test(arguments: ["/r1/I/C/M/svc", "/r1/I/C/M/S/%", "/r2/I/C/M/S/svc", "/r1/I/C//S/svc"])
    func malformedTargetsAreTheImplementationsInternalError(target: String) {
        let fault = #expect(throws: XRoadFault.self) { try RestRequestTarget.parse(target) }
        #expect(fault?.code == .clientProxy("InternalError"))
        #expect(fault?.code.httpStatus == 500)
    }

    @Test func aSixThousandCharacterURIIsRefused() {
        let fault = #expect(throws: XRoadFault.self) { try RestRequestTarget.parse("/r1/I/C/M/S/svc/" + String(repeating: "a", count: 6000)) }
        #expect(fault?.message.contains("too long") == true)
    }

    @Test func headerFiltering() {
        let headers: [(name: String, value: String)] = [
            ("Host", "ss"), ("User-Agent", "curl"), ("X-Road-Client", "A/B/C/D"), ("Authorization", "Bearer jwt"),
            ("X-Road-Request-Hash", "forged"), ("Transfer-Encoding", "chunked"), ("X-Road-Client", "A/B/C/E"), ("Accept", "application/json"),
        ]
        let forwarded = RestHeaders.forwardable(headers)
        #expect(forwarded.map(\.name) == ["X-Road-Client", "Authorization", "X-Road-Client", "Accept"])
        #expect(RestHeaders.last("x-road-client", in: headers) == "A/B/C/E")
    }

    /// What a provider passes to its backend from a signed part: only valid fields (a non-ASCII name once
    /// trapped in NIO and took the process down).
    @Test func fieldsForwardedToTheBackend() {
        #expect(RestHeaders.isForwardableField(name: "X-Road-Client", value: "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI"))
        #expect(RestHeaders.isForwardableField(name: "Accept", value: "application/json; q=0.9"))
        #expect(!RestHeaders.isForwardableField(name: "Ä", value: "1"))
        #expect(!RestHeaders.isForwardableField(name: "X Y", value: "1"))
        #expect(!RestHeaders.isForwardableField(name: "", value: "1"))
        #expect(!RestHeaders.isForwardableField(name: "X-Injected", value: "a\r\nHost: evil"))
        #expect(!RestHeaders.isForwardableField(name: "Host", value: "backend"))
        #expect(!RestHeaders.isForwardableField(name: "transfer-encoding", value: "chunked"))
    }

    /// The parts travel as CRLF lines and read back to the same values; the request part's bytes are
    /// the request hash's header part.
    @Test func restPartsRoundTrip() throws {
        let headers = [RestRequestPart.Header("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI"), .init("Accept", "application/json"), .init("X-Note", "a:b é")]
        let request = RestRequestPart(method: "post", target: "/r1/I/C/M/S/svc/é?q=1", headers: headers)
        #expect(String(decoding: request.bytes, as: UTF8.self) == "POST\r\n/r1/I/C/M/S/svc/é?q=1\r\nX-Road-Client:BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI\r\nAccept:application/json\r\nX-Note:a:b é\r\n")
        #expect(request.bytes == RequestHash.headerPart(method: "post", rawPathAndQuery: request.target, headers: headers.map { ($0.name, $0.value) }))
        let read = try #require(RestRequestPart.parse(request.bytes))
        #expect(read.method == "POST" && read.target == request.target && read.headers == headers)
        #expect(read.value("x-note") == "a:b é")

        let response = RestResponsePart(status: 404, headers: [.init("Content-Type", "application/json")])
        #expect(String(decoding: response.bytes, as: UTF8.self) == "404\r\nContent-Type:application/json\r\n")
        #expect(RestResponsePart.parse(response.bytes) == response)
        #expect(RestRequestPart.parse(Array("GET\r\n/r1/x\r\n:novalue\r\n".utf8)) == nil, "a header line needs a name")
    }

    /// Expected values computed independently (Python hashlib) from the recipe of PR-REST §4.3.
    @Test func requestHashRecipe() {
        let part = RequestHash.headerPart(
            method: "get", rawPathAndQuery: "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies?rccm=RB%2FCOT%2F24%20B%2000042",
            headers: [("x-road-client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI"), ("x-road-id", "BJ-SANDBOX-6f1c"), ("x-road-request-id", "4e2a")])
        #expect(RequestHash.compute(headerPart: part, body: nil) == "WgKBkNI8iLM1iqzW9dhJ9HQoWID4MmhabY9cuqsV9I8ZQNLt8ow8gkuWhq3ZRpRWsdxJ2ehqFveXKJgLGcou9A==")
        #expect(RequestHash.compute(headerPart: part, body: Array(#"{"q":1}"#.utf8)) == "xjNdNTZdhpB9WNaBQ0mnqFAi7oCFivG9KDgTsnPdL/yJFnrrwbymX14NIBwJ11mqk5UP1dCcq5R/KIMhtFp/pA==")
    }
}
