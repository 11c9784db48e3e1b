import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCore

/// `sandbox xroad log`: the latest exchanges a security server logged, paired request → response.
struct XRoadLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Recent exchanges in a security server's message log: ids, parties, status, time, timestamp.")

    @OptionGroup var target: SecurityServerOptions

    @Option(help: "How many records (a request and its response are two).")
    var limit: Int = 20

    @Flag(help: "Print the raw JSON.")
    var json = false

    struct Listing: Decodable {
        struct Summary: Decodable {
            let server: String
            let chainIntact: String
        }
        struct Item: Decodable {
            let id: Int64
            let queryId: String
            let direction: String
            let client: String
            let service: String
            let createdAt: String
            let status: Int?
            let timestamped: Bool
            let bodyLogged: Bool
            /// Absent from servers older than batch signatures.
            let signedTogether: Int?
        }
        let summary: Summary
        let records: [Item]
    }

    func run() async throws {
        let base = try target.baseURL()
        let reply = try await SandboxHTTPClient(baseURL: base, token: nil).send(.GET, "/sandbox/messagelog?limit=\(max(1, min(limit, 1000)))")
        try SandboxHTTPClient.requireSuccess(reply)
        if json { return Output.printJSON(reply.body) }
        let listing = try JSONDecoder().decode(Listing.self, from: Data(reply.body))
        print("\(listing.summary.server): \(listing.records.count) records, hash chain \(listing.summary.chainIntact == "yes" ? "intact / intacte" : "BROKEN / ROMPUE")")
        let byQuery = Dictionary(grouping: listing.records, by: \.queryId)
        for record in listing.records.reversed() where record.direction == "response" || byQuery[record.queryId]?.count == 1 {
            let request = record.direction == "response" ? byQuery[record.queryId]?.first { $0.direction == "request" } : nil
            let elapsed = request.flatMap { start in Self.milliseconds(from: start.createdAt, to: record.createdAt) }.map { String(format: "%.1f ms", $0) } ?? "—"
            // A request without a logged response was refused or failed on the way (see its X-Road-Error).
            let status = record.status.map(String.init) ?? (record.direction == "request" ? "no answer" : "—")
            let batch = (record.signedTogether ?? 1) > 1 ? "one signature for \(record.signedTogether ?? 1) messages" : nil
            let flags = [record.timestamped ? "timestamped" : "awaiting timestamp", record.bodyLogged ? nil : "metadata only", batch].compactMap { $0 }
                .joined(separator: ", ")
            print("  \(record.createdAt)  \(status.padding(toLength: 9, withPad: " ", startingAt: 0)) \(elapsed.padding(toLength: 9, withPad: " ", startingAt: 0)) \(record.client) → \(record.service)")
            print("      X-Road-Id \(record.queryId)  (\(flags))")
        }
        print("\nASiC: curl -o exchange.zip '\(base)/asic?queryId=<X-Road-Id>&xRoadInstance=…&memberClass=…&memberCode=…&subsystemCode=…'")
    }

    static func milliseconds(from start: String, to end: String) -> Double? {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let from = parser.date(from: start), let to = parser.date(from: end) else { return nil }
        return to.timeIntervalSince(from) * 1000
    }
}
