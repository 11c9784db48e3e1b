import Foundation

/// The request target of an X-Road REST call, `/r1/{serviceId}[/path][?query]` (PR-REST §4.1), split the
/// way the implementation does: all five service id parts are required, each percent-decoded on its own;
/// the rest of the path and the query are kept raw, because the provider appends them to the service URL
/// as they came.
public struct RestRequestTarget: Sendable, Equatable {
    public let protocolVersion: String
    public let service: XRoadServiceID
    /// What follows the service code, raw (`/v1/bar/zyggy`), or empty.
    public let servicePath: String
    /// The raw query without `?`, or nil.
    public let query: String?
    /// The whole path as received, without the query: what the request hash covers.
    public let rawPath: String

    /// The longest target the sandbox accepts; PR-REST §4.2 says URIs should stay under about 2 000.
    public static let maximumLength = 4096

    /// Whether the REST handler claims this target at all: the implementation only takes `/r1/…` and
    /// leaves everything else to the SOAP handler.
    public static func isRest(_ target: String) -> Bool { target.hasPrefix("/r1/") }

    /// - Throws: ``XRoadFault`` `Server.ClientProxy.InternalError` with the reason, as the implementation
    ///   answers a malformed `/r1/` target (500; the spec's `Client.BadRequest` is not what runs).
    public static func parse(_ target: String) throws(XRoadFault) -> RestRequestTarget {
        guard target.utf8.count <= maximumLength else {
            throw XRoadFault(.clientProxy("InternalError"), "Request URI is too long (\(target.utf8.count) characters)", explain: .uriTooLong(target.utf8.count))
        }
        let (path, query) = splitQuery(target)
        // Split on the UTF-8 bytes: `/` is never part of a multi-byte character, and the indices slice `path`.
        let segments = path.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 7, omittingEmptySubsequences: false)
        // "", "r1", instance, class, member, subsystem, service, then the service path.
        guard segments.count >= 7, segments[0].isEmpty, segments[1].elementsEqual("r1".utf8) else {
            throw XRoadFault(.clientProxy("InternalError"), "Invalid REST request path: \(path.prefix(300))", explain: .malformedServicePath(path))
        }
        let service: XRoadServiceID
        do {
            service = try XRoadServiceID.parse(String(path[segments[2].startIndex..<segments[6].endIndex]))
        } catch {
            throw XRoadFault(.clientProxy("InternalError"), "Invalid service identifier: \(error.description)", explain: .malformedServicePath(path))
        }
        // From the `/` that ends the service code.
        let rest = segments.count > 7 ? String(path[segments[6].endIndex...]) : ""
        return RestRequestTarget(protocolVersion: "r1", service: service, servicePath: rest, query: query, rawPath: path)
    }

    static func splitQuery(_ target: String) -> (path: String, query: String?) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, nil) }
        return (String(target[..<mark]), String(target[target.utf8.index(after: mark)...]))
    }

    /// The backend URL: the service URL, then the service path without a doubled `/`, then the query.
    public func backendURL(serviceURL: String) -> String {
        var url = serviceURL
        if url.hasSuffix("/") && servicePath.hasPrefix("/") { url.removeLast() }
        url += servicePath
        if let query { url += "?" + query }
        return url
    }
}
