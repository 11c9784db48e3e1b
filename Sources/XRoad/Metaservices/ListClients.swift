import Foundation
import SandboxCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /listClients` on a security server's client side (PR-MREST, PR-META Annex C.1): the members and
/// subsystems of the instance, from the global configuration. JSON with `Accept: application/json`
/// (snake_case, as the implementation writes it), XML `clientList` otherwise.
enum ListClients {
    static func response(topology: Topology, instance: String?, accept: String?) -> Response {
        let wantsJSON = accept?.lowercased().contains("application/json") == true
        guard instance == nil || instance == topology.instance else {
            // Federation is not emulated: another instance has no members here.
            return render([], json: wantsJSON)
        }
        var entries: [(id: XRoadClientID, name: String, subsystemName: String?)] = []
        for member in topology.members {
            entries.append((member.id, member.name, nil))
            for subsystem in member.subsystems { entries.append((subsystem.id, member.name, subsystem.name)) }
        }
        return render(entries, json: wantsJSON)
    }

    private struct List: Encodable {
        struct Identifier: Encodable {
            let memberClass: String
            let memberCode: String
            let objectType: String
            let subsystemCode: String?
            let xroadInstance: String
        }
        struct Entry: Encodable {
            let id: Identifier
            let name: String
            let subsystemName: String?
        }
        let member: [Entry]
    }

    private static func render(_ entries: [(id: XRoadClientID, name: String, subsystemName: String?)], json: Bool) -> Response {
        if json {
            let list = List(
                member: entries.map { entry in
                    .init(
                        id: .init(
                            memberClass: entry.id.memberClass, memberCode: entry.id.memberCode, objectType: entry.id.objectType,
                            subsystemCode: entry.id.subsystemCode, xroadInstance: entry.id.instance),
                        name: entry.name, subsystemName: entry.subsystemName)
                })
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = (try? encoder.encode(list)) ?? Data("{}".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><ns2:clientList xmlns:ns1="http://x-road.eu/xsd/identifiers" xmlns:ns2="http://x-road.eu/xsd/xroad.xsd">"#
        for entry in entries {
            xml += #"<ns2:member><ns2:id ns1:objectType="\#(entry.id.objectType)">"#
            xml += "<ns1:xRoadInstance>\(entry.id.instance.htmlEscaped)</ns1:xRoadInstance><ns1:memberClass>\(entry.id.memberClass.htmlEscaped)</ns1:memberClass>"
            xml += "<ns1:memberCode>\(entry.id.memberCode.htmlEscaped)</ns1:memberCode>"
            if let subsystem = entry.id.subsystemCode { xml += "<ns1:subsystemCode>\(subsystem.htmlEscaped)</ns1:subsystemCode>" }
            xml += "</ns2:id><ns2:name>\(entry.name.htmlEscaped)</ns2:name></ns2:member>"
        }
        xml += "</ns2:clientList>"
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}
