import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /sandbox/messagelog?limit=N` on a security server's client side: the latest records without their
/// contents (ids, parties, status, time, timestamp). Sandbox-only — the real security server has no such
/// view (X-Road issue #363) — and what `sandbox xroad log` prints.
enum MessageLogListing {
    struct Item: Encodable {
        let id: Int64
        let queryId: String
        let requestId: String
        let direction: String
        let client: String
        let service: String
        let createdAt: Date
        let status: Int?
        let timestamped: Bool
        let bodyLogged: Bool
        /// How many messages the record's signature covers (a batch signature); 1 when signed alone.
        let signedTogether: Int
        let signatureHash: String
        let recordHash: String
    }

    static func response(_ request: Request, server: SecurityServer) -> Response {
        let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 20
        do {
            let items = try server.messageLog.recent(limit: limit).map { record in
                Item(
                    id: record.id, queryId: record.entry.queryID, requestId: record.entry.requestID, direction: record.entry.isResponse ? "response" : "request",
                    client: record.entry.client.description, service: record.entry.service, createdAt: record.createdAt, status: record.entry.status,
                    timestamped: record.timestampID != nil, bodyLogged: !record.entry.message.isEmpty,
                    signedTogether: record.entry.batchManifest.map { BatchManifest.count(in: $0) } ?? 1, signatureHash: record.signatureHash,
                    recordHash: record.recordHash)
            }
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
            }
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(["server": server.name, "chainIntact": try server.messageLog.firstBrokenLink() == nil ? "yes" : "no"])
            let records = try encoder.encode(items)
            let text = "{\"summary\":" + String(decoding: body, as: UTF8.self) + ",\"records\":" + String(decoding: records, as: UTF8.self) + "}"
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        } catch {
            return Response(status: .internalServerError, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "message log unreadable: \(error)")))
        }
    }
}
