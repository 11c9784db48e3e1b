import SandboxCore

/// SOAP 1.1 envelopes in the X-Road message protocol 4.0: the header every request carries, and reading
/// an answer (its body element, or its fault).
enum SoapEnvelope {
    static let soapNamespace = "http://schemas.xmlsoap.org/soap/envelope/"

    /// A request. `client` is `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, `service` `INSTANCE/CLASS/MEMBER/SUBSYSTEM/CODE`.
    static func request(client: String, service: String, version: String, id: String, userID: String, issue: String, body: String) -> String {
        func identifier(_ text: String, names: [String]) -> String {
            zip(names, text.split(separator: "/")).map { "<id:\($0)>\(String($1).htmlEscaped)</id:\($0)>" }.joined()
        }
        let names = ["xRoadInstance", "memberClass", "memberCode", "subsystemCode", "serviceCode"]
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="\(soapNamespace)" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd" xmlns:id="http://x-road.eu/xsd/identifiers">
            <soapenv:Header>
            <xrd:client id:objectType="SUBSYSTEM">\(identifier(client, names: names))</xrd:client>
            <xrd:service id:objectType="SERVICE">\(identifier(service, names: names))<id:serviceVersion>\(version.htmlEscaped)</id:serviceVersion></xrd:service>
            <xrd:id>\(id.htmlEscaped)</xrd:id>
            <xrd:userId>\(userID.htmlEscaped)</xrd:userId>
            <xrd:issue>\(issue.htmlEscaped)</xrd:issue>
            <xrd:protocolVersion>4.0</xrd:protocolVersion>
            </soapenv:Header>
            <soapenv:Body>\(body)</soapenv:Body>
            </soapenv:Envelope>
            """
    }

    struct Parsed {
        /// The operation's answer element (`getTaxpayerResponse`), when there is no fault.
        var body: XMLTreeNode?
        var fault: (code: String, message: String)?
    }

    /// Reads an answer; what is not a SOAP envelope is reported as a fault of our own naming.
    static func parse(_ bytes: [UInt8]) -> Parsed {
        guard let root = try? XMLTree.parse(bytes), root.name == "Envelope",
            let first = root.child("Body", namespace: soapNamespace)?.children.first
        else {
            return Parsed(body: nil, fault: ("NotSoap", "the answer is not a SOAP envelope: \(String(decoding: bytes.prefix(200), as: UTF8.self))"))
        }
        if first.name == "Fault" {
            return Parsed(body: nil, fault: (first.child("faultcode")?.trimmedText ?? "Fault", first.child("faultstring")?.trimmedText ?? ""))
        }
        return Parsed(body: first, fault: nil)
    }
}
