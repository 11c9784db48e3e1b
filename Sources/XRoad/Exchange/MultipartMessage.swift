import Foundation
import SandboxCore

/// The `multipart/mixed` body security servers exchange (PR-MESSTRANSP §3): typed parts in a fixed order.
/// Decoding treats the bytes as hostile: a bounded number of parts, each with one `Content-Type`.
public struct MultipartMessage: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public let contentType: String
        public let body: [UInt8]

        public init(contentType: String, body: [UInt8]) {
            self.contentType = contentType
            self.body = body
        }
    }

    public let parts: [Part]
    public let boundary: String

    public init(parts: [Part], boundary: String = "xroad-" + Identifier.uuid()) {
        self.parts = parts
        self.boundary = boundary
    }

    public var contentType: String { "multipart/mixed; boundary=\(boundary)" }

    public func part(_ contentType: String) -> Part? { parts.first { $0.contentType == contentType } }

    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            out += Array("--\(boundary)\r\nContent-Type: \(part.contentType)\r\n\r\n".utf8)
            out += part.body
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// Parses a body whose `Content-Type` header was `contentTypeHeader`.
    public static func decode(_ body: [UInt8], contentTypeHeader: String, maximumParts: Int = 16) throws(MultipartError) -> MultipartMessage {
        guard let boundary = Self.boundary(inContentType: contentTypeHeader), !boundary.isEmpty, boundary.utf8.count <= 70 else {
            throw MultipartError("expected multipart/mixed with a boundary, got '\(contentTypeHeader.prefix(100))'")
        }
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = ByteSearch.firstIndex(of: delimiter, in: body, from: index) {
            positions.append(found)
            guard positions.count <= maximumParts + 1 else { throw MultipartError("more than \(maximumParts) parts") }
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw MultipartError("no complete part between boundaries") }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var cursor = start + delimiter.count
            guard cursor + 2 <= body.count, body[cursor] == 0x0D, body[cursor + 1] == 0x0A else { throw MultipartError("a boundary is not followed by CRLF") }
            cursor += 2
            guard let headerEnd = ByteSearch.firstIndex(of: Array("\r\n\r\n".utf8), in: body, from: cursor), headerEnd < end else {
                throw MultipartError("a part has no header block")
            }
            let contentType = Self.contentType(inHeaders: body[cursor..<headerEnd])
            guard let contentType else { throw MultipartError("a part has no Content-Type") }
            let bodyStart = headerEnd + 4
            let bodyEnd = end - 2  // the CRLF before the next delimiter
            guard bodyEnd >= bodyStart, body[bodyEnd] == 0x0D, body[bodyEnd + 1] == 0x0A else { throw MultipartError("a part does not end with CRLF") }
            parts.append(Part(contentType: contentType, body: Array(body[bodyStart..<bodyEnd])))
        }
        let closing = positions.last! + delimiter.count
        guard closing + 2 <= body.count, body[closing] == UInt8(ascii: "-"), body[closing + 1] == UInt8(ascii: "-") else {
            throw MultipartError("the closing boundary is missing")
        }
        return MultipartMessage(parts: parts, boundary: boundary)
    }
}

extension MultipartMessage {
    /// The `boundary` parameter of a `multipart/mixed` media type (names case-insensitive, blanks around
    /// parameters and quotes around the value dropped), read as bytes; nil for another media type.
    static func boundary(inContentType header: String) -> String? {
        let bytes = Array(header.utf8)
        let mediaType = Array("multipart/mixed".utf8)
        guard bytes.count >= mediaType.count, ASCIIText.equalIgnoringCase(bytes[0..<mediaType.count], mediaType[...]) else { return nil }
        let name = Array("boundary=".utf8)
        for parameter in bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            let parameter = parameter.trimmingBlanks
            guard parameter.count >= name.count,
                ASCIIText.equalIgnoringCase(parameter[parameter.startIndex..<(parameter.startIndex + name.count)], name[...])
            else { continue }
            var value = parameter.dropFirst(name.count)
            while value.first == UInt8(ascii: "\"") { value = value.dropFirst() }
            while value.last == UInt8(ascii: "\"") { value = value.dropLast() }
            return String(decoding: value, as: UTF8.self)
        }
        return nil
    }

    /// The `Content-Type` value among a part's header lines, read as bytes (names case-insensitive, spaces
    /// and tabs around values dropped).
    static func contentType(inHeaders headers: ArraySlice<UInt8>) -> String? {
        let name = Array("content-type".utf8)
        for line in headers.split(separator: UInt8(ascii: "\n")) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            guard ASCIIText.equalIgnoringCase(line[line.startIndex..<colon].trimmingBlanks, name[...]) else { continue }
            return String(decoding: line[(colon + 1)...].trimmingBlanks, as: UTF8.self)
        }
        return nil
    }
}

extension ArraySlice<UInt8> {
    /// Without leading and trailing spaces and tabs.
    var trimmingBlanks: ArraySlice<UInt8> {
        var slice = self
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }
}

public struct MultipartError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
