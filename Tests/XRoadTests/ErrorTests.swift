import Foundation
import HTTPTypes
import Hummingbird
import SandboxCore
import Testing
@testable import XRoad

@Suite("X-Road faults as the implementation writes them")
struct ErrorTests {
    @Test(arguments: [
        ("AccessDenied", "server.serverproxy.access_denied"),
        ("UnknownMember", "server.serverproxy.unknown_member"),
        ("SslAuthenticationFailed", "server.serverproxy.ssl_authentication_failed"),
        ("OutdatedGlobalConf", "server.serverproxy.global_conf_outdated"),
        ("IOError", "server.serverproxy.io_error"),
        ("ServiceFailed.MissingBody", "server.serverproxy.service_failed.missing_body"),
    ])
    func codesInBothStyles(name: String, v78: String) {
        let code = XRoadErrorCode.serverProxy(name)
        #expect(code.spelled(.legacy) == "Server.ServerProxy.\(name)")
        #expect(code.spelled(.v78) == v78)
    }

    @Test func theStatusRuleIsServerPrefixGives500() {
        #expect(XRoadErrorCode.clientProxy("InvalidClientIdentifier").httpStatus == 500)
        #expect(XRoadErrorCode.serverProxy("AccessDenied").httpStatus == 500)
        #expect(XRoadErrorCode.client("InvalidHttpMethod").httpStatus == 400)
        #expect(XRoadErrorCode.client("InvalidHttpMethod").spelled(.v78) == "client.invalid_http_method")
    }

    let fault = XRoadFault(
        .serverProxy("AccessDenied"), "Request is not allowed: SERVICE:BJ-SANDBOX/GOV/ANIP/RNPP/persons",
        explain: .init(french: "Pas de droit « d'accès ».", english: "No access right."), detail: "0b6e2c4a-1111-4222-8333-944455556666")

    @Test func jsonBodyHasTheThreeFieldsInOrder() {
        let body = String(decoding: XRoadErrorResponse.body(fault, style: .legacy, xml: false), as: UTF8.self)
        #expect(body == #"{"type":"Server.ServerProxy.AccessDenied","message":"Request is not allowed: SERVICE:BJ-SANDBOX/GOV/ANIP/RNPP/persons","detail":"0b6e2c4a-1111-4222-8333-944455556666"}"#)
    }

    @Test func xmlWhenAcceptAsksForIt() {
        #expect(XRoadErrorResponse.wantsXML("text/xml"))
        #expect(XRoadErrorResponse.wantsXML("application/xml;q=0.9, */*"))
        #expect(XRoadErrorResponse.wantsXML("text/*"))
        #expect(!XRoadErrorResponse.wantsXML("application/json"))
        #expect(!XRoadErrorResponse.wantsXML(nil))
        let body = String(decoding: XRoadErrorResponse.body(fault, style: .v78, xml: true), as: UTF8.self)
        #expect(body.hasPrefix("<error><type>server.serverproxy.access_denied</type><message>Request is not allowed:"))
    }

    @Test func responseCarriesTheErrorHeaderAndTheExplanationOutsideTheBody() {
        let response = XRoadErrorResponse.response(fault, style: .legacy, accept: nil, language: .en)
        #expect(response.status.code == 500)
        #expect(response.headers[XRoadErrorResponse.errorHeader] == "Server.ServerProxy.AccessDenied")
        #expect(response.headers[XRoadErrorResponse.explainHeader] == "No access right.")
        #expect(response.headers[.contentType] == "application/json; charset=UTF-8")
        let french = XRoadErrorResponse.response(fault, style: .legacy, accept: "text/xml", language: .fr)
        #expect(french.headers[XRoadErrorResponse.explainHeader] == "Pas de droit « d'accès ».")
        #expect(french.headers[.contentType] == "text/xml; charset=UTF-8")
    }
}
