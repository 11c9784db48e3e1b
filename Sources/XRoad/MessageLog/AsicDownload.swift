import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /asic?queryId=…&xRoadInstance=…&memberClass=…&memberCode=…&subsystemCode=…` on the client side
/// (UG-SIGDOC §2): the signed messages of one exchange as ASiC-E containers, with the options `requestOnly`,
/// `responseOnly`, `unique` and `force` (time-stamp now rather than wait for the batch). Errors are plain
/// text, as in the implementation.
enum AsicDownload {
    static func response(_ request: Request, server: SecurityServer) async -> Response {
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func has(_ name: String) -> Bool { query[Substring(name)] != nil }
        guard let queryID = value("queryId"), let instance = value("xRoadInstance"), let memberClass = value("memberClass"),
            let memberCode = value("memberCode")
        else {
            return text(.badRequest, "Missing parameter: queryId, xRoadInstance, memberClass and memberCode are required (subsystemCode for a subsystem)")
        }
        guard !(has("requestOnly") && has("responseOnly")) else { return text(.badRequest, "requestOnly and responseOnly cannot be combined") }
        let client = XRoadClientID(instance: instance, memberClass: memberClass, memberCode: memberCode, subsystemCode: value("subsystemCode"))
        do {
            if has("force") { try await server.timestamper.stampPending() }
            var records = try server.messageLog.records(queryID: queryID, client: client)
            if has("requestOnly") { records = records.filter { !$0.entry.isResponse } }
            if has("responseOnly") { records = records.filter { $0.entry.isResponse } }
            guard !records.isEmpty else { return text(.notFound, "No messages found for query ID \(queryID) and client \(client)") }
            guard records.allSatisfy({ $0.timestampID != nil }) else {
                return text(.notFound, "Some message signatures have not been timestamped yet!")
            }
            func container(_ record: MessageLog.Record) throws -> Data {
                try AsicContainer.make(record, batch: try record.timestampID.flatMap { try server.timestamper.batch($0) })
            }
            if has("unique") {
                guard records.count == 1 else { return text(.badRequest, "Found \(records.count) messages; unique needs requestOnly or responseOnly") }
                return file(try container(records[0]), type: AsicContainer.mimeType, name: "\(safe(queryID))-\(kind(records[0])).asice")
            }
            let entries = try records.map { ("\(safe(queryID))-\(kind($0))-\($0.id).asice", Array(try container($0))) }
            return file(try AsicContainer.zip(entries), type: "application/zip", name: "\(safe(queryID)).zip")
        } catch {
            return text(.internalServerError, "Failed to build the containers: \(error)")
        }
    }

    private static func kind(_ record: MessageLog.Record) -> String { record.entry.isResponse ? "response" : "request" }

    /// A query id as a file name: no path separators or quotes from a hostile id.
    private static func safe(_ id: String) -> String {
        String(id.prefix(100).map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
    }

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    private static func file(_ data: Data, type: String, name: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
