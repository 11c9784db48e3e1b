import Foundation
import SandboxCore
import SandboxCrypto

/// An X-Road SOAP message (message protocol 4.0, PR-MESS): SOAP 1.1, document/literal wrapped, with the
/// X-Road header fields. Parsed from the bytes as received; the bytes themselves are what travels and what
/// `requestHash` covers.
public struct SoapMessage: Sendable {
    public static let envelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"
    public static let xroadNamespace = "http://x-road.eu/xsd/xroad.xsd"
    public static let identifiersNamespace = "http://x-road.eu/xsd/identifiers"
    public static let sha512URI = "http://www.w3.org/2001/04/xmlenc#sha512"

    public let bytes: [UInt8]
    public let envelope: XMLTreeNode
    public let client: XRoadClientID?
    public let service: XRoadServiceID?
    public let id: String?
    public let userId: String?
    public let issue: String?
    public let protocolVersion: String?
    public let requestHash: String?
    /// The body's first element: the operation wrapper (`getTaxpayer`) or a `Fault`.
    public let bodyElement: XMLTreeNode?

    public var isFault: Bool { bodyElement?.name == "Fault" && bodyElement?.namespace == Self.envelopeNamespace }

    /// - Throws: ``XRoadFault`` `Client.InvalidSoap` for what is not a SOAP 1.1 envelope.
    public static func parse(_ bytes: [UInt8]) throws(XRoadFault) -> SoapMessage {
        let root: XMLTreeNode
        do {
            root = try XMLTree.parse(bytes)
        } catch {
            throw XRoadFault(.client("InvalidSoap"), "Malformed SOAP message: \(error.description)", explain: .invalidSoap(error.description))
        }
        guard root.name == "Envelope", root.namespace == envelopeNamespace else {
            throw XRoadFault(.client("InvalidSoap"), "Malformed SOAP message: not a SOAP 1.1 Envelope", explain: .invalidSoap("the root element is not {\(envelopeNamespace)}Envelope"))
        }
        let header = root.child("Header", namespace: envelopeNamespace)
        let body = root.child("Body", namespace: envelopeNamespace)
        func field(_ name: String) -> String? { header?.child(name, namespace: xroadNamespace)?.trimmedText }
        return SoapMessage(
            bytes: bytes, envelope: root,
            client: header?.child("client", namespace: xroadNamespace).flatMap(clientID),
            service: header?.child("service", namespace: xroadNamespace).flatMap(serviceID),
            id: field("id"), userId: field("userId"), issue: field("issue"), protocolVersion: field("protocolVersion"),
            requestHash: field("requestHash"), bodyElement: body?.children.first)
    }

    static func identifierPart(_ element: XMLTreeNode, _ name: String) -> String? {
        element.child(name, namespace: identifiersNamespace)?.trimmedText
    }

    static func clientID(_ element: XMLTreeNode) -> XRoadClientID? {
        guard let instance = identifierPart(element, "xRoadInstance"), let memberClass = identifierPart(element, "memberClass"),
            let memberCode = identifierPart(element, "memberCode")
        else { return nil }
        return XRoadClientID(instance: instance, memberClass: memberClass, memberCode: memberCode, subsystemCode: identifierPart(element, "subsystemCode"))
    }

    static func serviceID(_ element: XMLTreeNode) -> XRoadServiceID? {
        guard let provider = clientID(element), provider.subsystemCode != nil, let code = identifierPart(element, "serviceCode") else { return nil }
        return XRoadServiceID(provider: provider, serviceCode: code, serviceVersion: identifierPart(element, "serviceVersion"))
    }

    /// The checks the consumer's server makes on a request: header fields present, protocol 4.0, a body.
    public func requireRequestHeader() throws(XRoadFault) -> (client: XRoadClientID, service: XRoadServiceID, id: String) {
        guard let client else { throw missing("client") }
        guard let service else { throw missing("service") }
        guard let id, !id.isEmpty else { throw missing("id") }
        guard let protocolVersion else { throw missing("protocolVersion") }
        guard protocolVersion == "4.0" else {
            throw XRoadFault(
                .client("InvalidProtocolVersion"), "Invalid protocol version: \(protocolVersion.prefix(50))",
                explain: .invalidSoap("xrd:protocolVersion must be 4.0"))
        }
        guard bodyElement != nil else {
            throw XRoadFault(.clientProxy("ServiceFailed.MissingBody"), "Malformed SOAP message: body missing", explain: .invalidSoap("the SOAP Body is empty"))
        }
        return (client, service, id)
    }

    private func missing(_ field: String) -> XRoadFault {
        XRoadFault(.client("MissingHeaderField"), "Required field 'xrd:\(field)' is missing", explain: .missingHeaderField(field))
    }

    /// The message with `<xrd:requestHash>` added at the end of its header, the rest of the bytes untouched.
    public func addingRequestHash(_ hash: String) -> [UInt8]? {
        guard let header = envelope.child("Header", namespace: Self.envelopeNamespace) else { return nil }
        let closing = Array("</\(header.prefix.map { "\($0):" } ?? "")Header>".utf8)
        guard let position = Self.lastIndex(of: closing, in: bytes) else { return nil }
        let element = "<xrd:requestHash xmlns:xrd=\"\(Self.xroadNamespace)\" algorithmId=\"\(Self.sha512URI)\">\(hash)</xrd:requestHash>"
        return Array(bytes[..<position]) + Array(element.utf8) + Array(bytes[position...])
    }

    static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }

    /// `requestHash`: base64(SHA-512) of the request as sent.
    public static func requestHash(_ bytes: [UInt8]) -> String {
        Data(DigestAlgorithm.sha512.hash(bytes)).base64EncodedString()
    }
}

/// SOAP faults as X-Road writes them (`SoapFault.createFaultXml`): HTTP 200, `text/xml`, the code in
/// `faultcode`, an empty `faultactor`, a UUID in `detail/faultDetail`.
public enum SoapFaultResponse {
    public static func xml(_ fault: XRoadFault, style: XRoadErrorStyle) -> String {
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"\(SoapMessage.envelopeNamespace)\"><SOAP-ENV:Body><SOAP-ENV:Fault>"
            + "<faultcode>\(fault.code.spelled(style).htmlEscaped)</faultcode><faultstring>\(fault.message.htmlEscaped)</faultstring>"
            + "<faultactor></faultactor><detail><faultDetail xmlns=\"\">\(fault.detail.htmlEscaped)</faultDetail></detail>"
            + "</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    }
}

extension XRoadFault.Explanation {
    static func invalidSoap(_ reason: String) -> Self {
        .init(
            french: "Ce n'est pas un message SOAP X-Road valable (\(reason)). Un appel SOAP est un POST text/xml sur / avec un en-tête X-Road (client, service, id, protocolVersion 4.0) ; pour REST, utilisez /r1/….",
            english: "This is not a valid X-Road SOAP message (\(reason)). A SOAP call is a text/xml POST on / with an X-Road header (client, service, id, protocolVersion 4.0); for REST use /r1/….")
    }

    static func missingHeaderField(_ field: String) -> Self {
        .init(
            french: "L'en-tête SOAP n'a pas de xrd:\(field). Copiez l'en-tête X-Road du WSDL (GET /wsdl?…) : client, service, id, protocolVersion sont obligatoires.",
            english: "The SOAP header has no xrd:\(field). Copy the X-Road header from the WSDL (GET /wsdl?…): client, service, id and protocolVersion are required.")
    }

    static let soapNeedsPost = Self(
        french: "Hors de /r1/, le serveur de sécurité attend du SOAP (POST text/xml). Pour REST, le chemin commence par /r1/INSTANCE/CLASSE/MEMBRE/SOUS-SYSTÈME/SERVICE.",
        english: "Outside /r1/, the security server expects SOAP (POST text/xml). For REST the path starts with /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.")
}
