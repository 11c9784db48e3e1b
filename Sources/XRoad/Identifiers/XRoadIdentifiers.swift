import Foundation
import SandboxCore

/// A member or subsystem of an X-Road instance: `INSTANCE/CLASS/CODE[/SUBSYSTEM]`. Subsystems are what
/// consume and provide services and what access rights name; a member without subsystem can be a client.
public struct XRoadClientID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let instance: String
    public let memberClass: String
    public let memberCode: String
    public let subsystemCode: String?

    public init(instance: String, memberClass: String, memberCode: String, subsystemCode: String? = nil) {
        self.instance = instance
        self.memberClass = memberClass
        self.memberCode = memberCode
        self.subsystemCode = subsystemCode
    }

    /// `MEMBER` or `SUBSYSTEM`, as X-Road's `objectType` says.
    public var objectType: String { subsystemCode == nil ? "MEMBER" : "SUBSYSTEM" }

    public var parts: [String] { [instance, memberClass, memberCode] + (subsystemCode.map { [$0] } ?? []) }

    /// `SUBSYSTEM:BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI`, the form X-Road's messages print.
    public var description: String { "\(objectType):\(parts.joined(separator: "/"))" }

    /// `BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI`, each part percent-encoded: the `X-Road-Client` header form.
    /// Written part by part (each exchange asks for it several times; no intermediate arrays).
    public var headerValue: String {
        let encode = XRoadIdentifierText.percentEncode
        var text = encode(instance) + "/" + encode(memberClass) + "/" + encode(memberCode)
        if let subsystemCode { text += "/" + encode(subsystemCode) }
        return text
    }

    /// `BJ-SANDBOX:GOV:ARCEP:AGREMENT-FAI`, the admin API's form.
    public var adminID: String { parts.joined(separator: ":") }

    /// The member a subsystem belongs to (itself for a member).
    public var member: XRoadClientID { XRoadClientID(instance: instance, memberClass: memberClass, memberCode: memberCode) }

    public static func < (lhs: XRoadClientID, rhs: XRoadClientID) -> Bool { lhs.parts.lexicographicallyPrecedes(rhs.parts) }

    /// Parses `INSTANCE/CLASS/CODE[/SUBSYSTEM]` with each part percent-decoded on its own (the `/`
    /// separators are never encoded), as the `X-Road-Client` header carries it.
    public static func parse(_ text: String) throws(XRoadIdentifierError) -> XRoadClientID {
        if let known = parsed.value(for: text) { return known }
        let parts = try XRoadIdentifierText.decodeParts(text, expected: 3...4, kind: "client")
        let id = XRoadClientID(instance: parts[0], memberClass: parts[1], memberCode: parts[2], subsystemCode: parts.count == 4 ? parts[3] : nil)
        parsed.remember(id, for: text)
        return id
    }

    /// Every exchange parses the same few ids again, percent-decoding each part.
    static let parsed = BoundedMemo<String, XRoadClientID>()

    /// Parses `CLASS/CODE[/SUBSYSTEM]` within a known instance (the topology file's short form), or a full id.
    public static func parse(_ text: String, instance: String) throws(XRoadIdentifierError) -> XRoadClientID {
        let count = text.split(separator: "/", omittingEmptySubsequences: false).count
        return try count <= 3 && !text.hasPrefix(instance + "/") ? parse(instance + "/" + text) : parse(text)
    }
}

/// A service: its provider subsystem, a service code and, for SOAP, an optional version.
public struct XRoadServiceID: Hashable, Sendable, CustomStringConvertible {
    public let provider: XRoadClientID
    public let serviceCode: String
    public let serviceVersion: String?

    public init(provider: XRoadClientID, serviceCode: String, serviceVersion: String? = nil) {
        self.provider = provider
        self.serviceCode = serviceCode
        self.serviceVersion = serviceVersion
    }

    public var parts: [String] { provider.parts + [serviceCode] + (serviceVersion.map { [$0] } ?? []) }

    /// `SERVICE:BJ-SANDBOX/GOV/APIEX/RCCM/companies`.
    public var description: String { "SERVICE:\(parts.joined(separator: "/"))" }

    /// Percent-encoded parts joined with `/`: the `x-road-service` header and the `/r1/…` path form.
    public var headerValue: String {
        var text = provider.headerValue + "/" + XRoadIdentifierText.percentEncode(serviceCode)
        if let serviceVersion { text += "/" + XRoadIdentifierText.percentEncode(serviceVersion) }
        return text
    }

    /// `BJ-SANDBOX:GOV:APIEX:RCCM:companies`, the admin API's form.
    public var adminID: String { parts.joined(separator: ":") }

    /// Parses `INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE` (REST requires all five parts, as the implementation does).
    public static func parse(_ text: String) throws(XRoadIdentifierError) -> XRoadServiceID {
        if let known = parsed.value(for: text) { return known }
        let parts = try XRoadIdentifierText.decodeParts(text, expected: 5...5, kind: "service")
        let id = XRoadServiceID(
            provider: XRoadClientID(instance: parts[0], memberClass: parts[1], memberCode: parts[2], subsystemCode: parts[3]),
            serviceCode: parts[4])
        parsed.remember(id, for: text)
        return id
    }

    static let parsed = BoundedMemo<String, XRoadServiceID>()

    /// `CLASS/CODE/SUBSYSTEM/SERVICE` within a known instance, or a full id.
    public static func parse(_ text: String, instance: String) throws(XRoadIdentifierError) -> XRoadServiceID {
        let count = text.split(separator: "/", omittingEmptySubsequences: false).count
        return try count == 4 ? parse(instance + "/" + text) : parse(text)
    }
}

/// A security server: `INSTANCE/CLASS/CODE/SERVERCODE` (the owner member and the server's own code).
public struct SecurityServerID: Hashable, Sendable, CustomStringConvertible {
    public let owner: XRoadClientID
    public let serverCode: String

    public init(owner: XRoadClientID, serverCode: String) {
        self.owner = owner.member
        self.serverCode = serverCode
    }

    public var parts: [String] { owner.parts + [serverCode] }
    public var description: String { "SERVER:\(parts.joined(separator: "/"))" }

    /// Parses the `X-Road-Security-Server` header value: exactly four parts.
    public static func parse(_ text: String) throws(XRoadIdentifierError) -> SecurityServerID {
        let parts = try XRoadIdentifierText.decodeParts(text, expected: 4...4, kind: "security server")
        return SecurityServerID(owner: XRoadClientID(instance: parts[0], memberClass: parts[1], memberCode: parts[2]), serverCode: parts[3])
    }
}

/// Why a text is not an identifier, in words that say how to write it.
public struct XRoadIdentifierError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
