import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body, as HTML forms send it.
struct FormBody {
    let fields: [String: String]

    static func read(_ request: Request, limit: Int) async throws -> FormBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw PNPEError.tooLarge(limit)
        }
        let text = String(buffer: buffer).replacingOccurrences(of: "+", with: " ")
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            guard let name = parts.first, !name.isEmpty, fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? String(parts[1].prefix(200)) : ""
        }
        return FormBody(fields: fields)
    }

    subscript(_ name: String) -> String? { fields[name] }
}
