import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// `getTaxpayer` as a document/literal SOAP 1.1 service written for X-Road (message protocol 4.0): the
/// X-Road header of the request is copied into the response, in order; a business "not found" is a normal
/// answer (`found` false), and only technical errors are SOAP faults (PR-MESS Annex D).
struct TaxpayerSOAPService {
    static let soapNamespace = "http://schemas.xmlsoap.org/soap/envelope/"
    static let serviceNamespace = "http://dgi.sandbox.bj/ifu"

    let taxpayers: RegistryRecords

    func answer(_ bytes: [UInt8]) -> Response {
        let envelope: XMLTreeNode
        do {
            envelope = try XMLTree.parse(bytes)
        } catch {
            return fault("Client", "Malformed SOAP message: \(error.description)")
        }
        guard envelope.name == "Envelope", envelope.namespace == Self.soapNamespace,
            let body = envelope.child("Body", namespace: Self.soapNamespace)
        else { return fault("Client", "Not a SOAP 1.1 envelope") }
        guard let request = body.children.first, request.name == "getTaxpayer" else {
            return fault("Client", "Unknown operation \(body.children.first?.name ?? "(empty body)"): this service offers getTaxpayer")
        }
        guard let number = request.child("ifu")?.trimmedText, !number.isEmpty else {
            return fault("Client", "getTaxpayer needs an <ifu> element")
        }
        let header = envelope.child("Header", namespace: Self.soapNamespace)?.children ?? []
        var result = "<ifu:getTaxpayerResponse xmlns:ifu=\"\(Self.serviceNamespace)\">"
        if let taxpayer = taxpayers.record(number) {
            result += "<found>true</found><taxpayer>" + Self.xml(taxpayer.object) + "</taxpayer>"
        } else {
            result += "<found>false</found>"
        }
        result += "<notice>\(taxpayers.notice.htmlEscaped)</notice></ifu:getTaxpayerResponse>"
        return envelopeResponse(header: header, body: result, status: .ok)
    }

    private func fault(_ code: String, _ message: String) -> Response {
        envelopeResponse(
            header: [],
            body: "<SOAP-ENV:Fault><faultcode>\(code)</faultcode><faultstring>\(message.htmlEscaped)</faultstring><faultactor/><detail/></SOAP-ENV:Fault>",
            status: .internalServerError)
    }

    private func envelopeResponse(header: [XMLTreeNode], body: String, status: HTTPResponse.Status) -> Response {
        let declared = ["SOAP-ENV": Self.soapNamespace]
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        text += "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"\(Self.soapNamespace)\">"
        if !header.isEmpty { text += "<SOAP-ENV:Header>" + header.map { $0.serialized(declared: declared) }.joined() + "</SOAP-ENV:Header>" }
        text += "<SOAP-ENV:Body>" + body + "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
        return Response(status: status, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON record as child elements: keys in order, nested objects nested, arrays repeated, nulls left out.
    static func xml(_ value: JSONValue) -> String {
        guard case .object(let fields) = value else { return "" }
        return fields.sorted { $0.key < $1.key }.map { key, value in element(key, value) }.joined()
    }

    private static func element(_ name: String, _ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .object: "<\(name)>" + xml(value) + "</\(name)>"
        case .array(let items): items.map { element(name, $0) }.joined()
        case .string(let text): "<\(name)>\(text.htmlEscaped)</\(name)>"
        case .integer(let number): "<\(name)>\(number)</\(name)>"
        case .number(let number): "<\(name)>\(number)</\(name)>"
        case .bool(let flag): "<\(name)>\(flag)</\(name)>"
        }
    }
}
