import Foundation
import Hummingbird
import NIOCore
import SandboxCore

/// What the pages' forms post: `application/x-www-form-urlencoded` fields (decoded by Hummingbird), and
/// `multipart/form-data` for the file upload.
enum HTMLForms {
    /// The request form's fields as the browser sends them: text, empty when left blank.
    struct ApplicationFields: Decodable {
        var rccm: String?
        var ifu: String?
        var representativeNpi: String?
        var phone: String?
        var email: String?
        var serviceType: String?
        var communes: String?
        var upstreamProviders: String?
        var capacityMbps: String?

        /// The same as the JSON API's body: blank fields are absent, lists are split on commas.
        func form() throws -> ApplicationForm {
            func value(_ text: String?) -> String? { text.flatMap { $0.trimmingCharacters(in: .whitespaces).nilIfEmpty } }
            func list(_ text: String?) -> [String]? { value(text).map { $0.split(whereSeparator: { $0 == "," || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) } } }
            var capacity: Int?
            if let text = value(capacityMbps) {
                guard let number = Int(text) else { throw Problem.badRequest(field: "capacityMbps", detail: "must be a whole number of Mbit/s") }
                capacity = number
            }
            return ApplicationForm(
                rccm: value(rccm), ifu: value(ifu), representativeNpi: value(representativeNpi), phone: value(phone), email: value(email),
                serviceType: value(serviceType), communes: list(communes), upstreamProviders: list(upstreamProviders), capacityMbps: capacity)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int = 64 * 1024) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw Problem.payloadTooLarge(limit: limit)
        }
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer))
        } catch {
            throw Problem.badRequest(field: "body", detail: "the form could not be read")
        }
    }

    /// One part of a `multipart/form-data` body.
    struct Part {
        let name: String
        let filename: String?
        let body: [UInt8]
    }

    /// Reads a `multipart/form-data` body (RFC 7578): each part's `Content-Disposition` name and file name,
    /// and its bytes. At most 8 parts; anything else is a 400 naming the body.
    static func multipart(_ request: Request, limit: Int) async throws -> [Part] {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
            let boundary = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }), !boundary.isEmpty
        else { throw Problem.unsupportedMediaType(expected: ["multipart/form-data"], got: request.headers[.contentType]) }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw Problem.payloadTooLarge(limit: limit)
        }
        let body = Array(buffer.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        var parts: [Part] = []
        var cursor = ByteSearch.firstIndex(of: delimiter, in: body) ?? body.count
        while parts.count < 8 {
            let start = cursor + delimiter.count
            guard start + 2 <= body.count, body[start] == 0x0D, body[start + 1] == 0x0A,
                let headersEnd = ByteSearch.firstIndex(of: headerEnd, in: body, from: start + 2),
                let next = ByteSearch.firstIndex(of: Array("\r\n".utf8) + delimiter, in: body, from: headersEnd + 4)
            else { break }
            let headers = String(decoding: body[(start + 2)..<headersEnd], as: UTF8.self)
            let disposition = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }.map(String.init) ?? ""
            if let name = parameter("name", in: disposition) {
                parts.append(Part(name: name, filename: parameter("filename", in: disposition), body: Array(body[(headersEnd + 4)..<next])))
            }
            cursor = next + 2
        }
        guard !parts.isEmpty else { throw Problem.badRequest(field: "body", detail: "no part could be read from the multipart body") }
        return parts
    }

    /// `name="value"` in a header such as `form-data; name="file"; filename="statuts.pdf"`.
    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where piece.lowercased().hasPrefix(name + "=") {
            return String(piece.dropFirst(name.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
