import Foundation
import NIOHTTP1
import SandboxCore

/// Calls to other administrations' services through the organisation's own security server (`ss-arcep`),
/// as any information system does: REST (`/r1/…`, PR-REST) and SOAP (message protocol 4.0).
struct XRoadClient: Sendable {
    /// The client side of the security server, e.g. `http://localhost:8080`.
    let securityServerURL: String
    /// `BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI`.
    let client: String
    let http: UpstreamHTTP

    /// One exchange, successful or not.
    struct Exchange: Sendable {
        let reply: UpstreamReply
        /// The message id the security server gave the exchange (REST) or that we gave it (SOAP).
        let xroadID: String?
        /// The X-Road error code when a security server refused or failed the exchange.
        let errorCode: String?
        /// The security server's own words for that error (`message`, or the SOAP `faultstring`), and
        /// the sandbox's explanation (`X-Sandbox-Explain`) when there is one.
        let errorMessage: String?
        var isXRoadError: Bool { errorCode != nil }
    }

    private var parts: [Substring] { client.split(separator: "/") }
    var instance: String { parts.first.map(String.init) ?? "BJ-SANDBOX" }

    /// `X-Road-UserId`: X-Road's convention is the country code before the person's number.
    static func userID(npi: String) -> String { "BJ" + npi }

    /// `GET /r1/{instance}/{service}{path}` with the X-Road headers.
    /// - Parameters:
    ///   - service: `CLASS/MEMBER/SUBSYSTEM/SERVICE`, e.g. `GOV/APIEX/RCCM/companies`.
    ///   - path: appended as it is (already percent-encoded), e.g. `?rccm=RB%2FCOT…`.
    func rest(_ service: String, path: String, userID: String, issue: String) async throws(UpstreamError) -> Exchange {
        let reply = try await http.send(
            .GET, "\(securityServerURL)/r1/\(instance)/\(service)\(path)", system: "ss-arcep",
            headers: [("X-Road-Client", client), ("X-Road-UserId", userID), ("X-Road-Issue", issue), ("Accept", "application/json"), ("Accept-Language", "fr")])
        let code = reply.header("X-Road-Error")
        struct XRoadErrorBody: Decodable { let message: String? }
        let message = code.map { _ in
            [reply.json(XRoadErrorBody.self)?.message, reply.header("X-Sandbox-Explain")].compactMap { $0 }.joined(separator: " — ")
        }
        return Exchange(reply: reply, xroadID: reply.header("X-Road-Id"), errorCode: code, errorMessage: message)
    }

    /// `POST /` with a SOAP envelope whose X-Road header we write; `body` is the operation element.
    func soap(_ service: String, version: String, body: String, userID: String, issue: String) async throws(UpstreamError) -> (Exchange, XMLTreeNode?) {
        let id = "\(instance)-\(Identifier.uuid())"
        let envelope = SoapEnvelope.request(client: client, service: "\(instance)/\(service)", version: version, id: id, userID: userID, issue: issue, body: body)
        let reply = try await http.send(
            .POST, "\(securityServerURL)/", system: "ss-arcep", headers: [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", ""), ("Accept-Language", "fr")],
            body: Array(envelope.utf8))
        let parsed = SoapEnvelope.parse(reply.body)
        let fault = parsed.fault
        let message = fault.map { [$0.message, reply.header("X-Sandbox-Explain")].compactMap { $0 }.joined(separator: " — ") }
        let exchange = Exchange(reply: reply, xroadID: id, errorCode: fault?.code ?? (reply.isSuccess ? nil : "HTTP \(reply.status)"), errorMessage: message)
        return (exchange, parsed.body)
    }

    /// The signed evidence of an exchange in the security server's message log (`/asic`), as X-Road
    /// serves it; `force` time-stamps it at once instead of waiting for the batch.
    func messageLogURL(_ xroadID: String) -> String {
        let subsystem = parts.count == 4 ? parts[3] : ""
        let memberClass = parts.count > 1 ? parts[1] : ""
        let memberCode = parts.count > 2 ? parts[2] : ""
        return "\(securityServerURL)/asic?queryId=\(UpstreamHTTP.percentEncoded(xroadID))&xRoadInstance=\(instance)&memberClass=\(memberClass)&memberCode=\(memberCode)&subsystemCode=\(subsystem)&force"
    }
}
