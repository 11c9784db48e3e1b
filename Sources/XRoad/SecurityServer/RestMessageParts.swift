import Foundation
import SandboxCore

/// The REST request and response as they travel between security servers, in the `x-road-rest-request`
/// and `x-road-rest-response` parts: a first line, then `name:value` header lines, CRLF-terminated. The
/// request part is also exactly what `X-Road-Request-Hash` covers.
public struct RestRequestPart: Sendable, Equatable {
    public let method: String
    /// The raw `/r1/…` target, with its query.
    public let target: String
    public let headers: [Header]

    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, target: String, headers: [Header]) {
        self.method = method
        self.target = target
        self.headers = headers
    }

    /// The part as sent and as the request hash covers it (``RequestHash/headerPart(method:rawPathAndQuery:headers:)``).
    public var bytes: [UInt8] {
        var lines = HeaderLines(method: method, target: target, headerCount: headers.count)
        for header in headers { lines.append(name: header.name, value: header.value) }
        return lines.bytes
    }

    public func value(_ name: String) -> String? { headers.last { ASCIIText.equalIgnoringCase($0.name, name) }?.value }

    public static func parse(_ bytes: [UInt8]) -> RestRequestPart? {
        let lines = ASCIIText.crlfLines(bytes)
        guard lines.count >= 3, lines.last == "", !lines[0].isEmpty, lines[1].hasPrefix("/") else { return nil }
        let headers = lines[2..<(lines.count - 1)].compactMap(Self.header)
        guard headers.count == lines.count - 3 else { return nil }
        return RestRequestPart(method: lines[0], target: lines[1], headers: headers)
    }

    static func header(_ line: String) -> Header? {
        guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")), colon != line.startIndex else { return nil }
        return Header(String(line[..<colon]), String(line[line.utf8.index(after: colon)...]))
    }
}

/// The backend's answer as the provider security server relays it: status, then headers.
public struct RestResponsePart: Sendable, Equatable {
    public let status: Int
    public let headers: [RestRequestPart.Header]

    public init(status: Int, headers: [RestRequestPart.Header]) {
        self.status = status
        self.headers = headers
    }

    public var bytes: [UInt8] {
        var lines = HeaderLines(capacity: 5 + headers.count * 48)
        lines.append(line: String(status))
        for header in headers { lines.append(name: header.name, value: header.value) }
        return lines.bytes
    }

    public func value(_ name: String) -> String? { headers.last { ASCIIText.equalIgnoringCase($0.name, name) }?.value }

    public static func parse(_ bytes: [UInt8]) -> RestResponsePart? {
        let lines = ASCIIText.crlfLines(bytes)
        guard lines.count >= 2, lines.last == "", let status = Int(lines[0]), (100...599).contains(status) else { return nil }
        let headers = lines[1..<(lines.count - 1)].compactMap(RestRequestPart.header)
        guard headers.count == lines.count - 2 else { return nil }
        return RestResponsePart(status: status, headers: headers)
    }
}
