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

    public init(parts: [Part], boundary: String = "xroad-" + UUID().uuidString.lowercased()) {
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
        guard contentTypeHeader.lowercased().hasPrefix("multipart/mixed"),
            let boundary = contentTypeHeader.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") }).map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }),
            !boundary.isEmpty, boundary.count <= 70
        else { throw MultipartError("expected multipart/mixed with a boundary, got '\(contentTypeHeader.prefix(100))'") }
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
            let headerText = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentType = headerText.split(separator: "\r\n").compactMap { line -> String? in
                let pieces = line.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-type" else { return nil }
                return pieces[1].trimmingCharacters(in: .whitespaces)
            }.first
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

public struct MultipartError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
