import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PNPE

/// `sandbox pnpe listen --forward-to URL`: follows the live event stream and forwards each event to a
/// local receiver, signed with the merchant's listen secret. No tunnel; failed forwards are retried
/// (three attempts), which the Stripe CLI's `listen` does not do.
struct PNPEListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "listen", abstract: "Forward live events to a local webhook receiver, signed.")

    @OptionGroup var options: PNPEOptions
    @Option(help: "Where to POST each event, e.g. http://localhost:3000/webhooks/pnpe.") var forwardTo: String?
    @Option(help: "Only these event types (comma-separated; payment.* allowed).") var events: String?

    func run() async throws {
        if let forwardTo, URL(string: forwardTo)?.scheme?.hasPrefix("http") != true {
            throw ValidationError("--forward-to must be an http:// or https:// URL")
        }
        let filters = events?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        var request = HTTPClientRequest(url: options.baseURL + "/v1/events/stream")
        request.headers.add(name: "Authorization", value: "Bearer \(options.secretKey)")
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .hours(24 * 365))
        } catch {
            throw CLIError("cannot reach \(options.baseURL): \(error). Is `sandbox up` running?")
        }
        guard response.status == .ok else {
            let body = try await response.body.collect(upTo: 64 * 1024)
            throw CLIError("HTTP \(response.status.code): \(String(buffer: body).prefix(300))")
        }
        var pending = ""
        var secret = ""
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let end = pending.range(of: "\n\n") {
                let message = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                var type = ""
                var data = ""
                for line in message.split(separator: "\n") {
                    if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                }
                if type == "pnpe.listen" {
                    secret = (try? JSONParser.parse(Array(data.utf8)))?.text("signing_secret") ?? ""
                    print("Prêt — ready. Signing secret: \(secret)")
                    if let forwardTo { print("Forwarding to \(forwardTo)") }
                    continue
                }
                guard !type.isEmpty, filters.isEmpty || filters.contains(where: { $0 == type || ($0.hasSuffix(".*") && type.hasPrefix($0.dropLast())) }) else { continue }
                if options.json { print(data) } else { print("\(ISO8601DateFormatter().string(from: Date()))  \(type)  \((try? JSONParser.parse(Array(data.utf8)))?.text("id") ?? "")") }
                if let forwardTo { await forward(data, type: type, to: forwardTo, secret: secret) }
            }
        }
    }

    private func forward(_ body: String, type: String, to url: String, secret: String) async {
        for attempt in 1...3 {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            let bytes = Array(body.utf8)
            let timestamp = Int64(Date().timeIntervalSince1970)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "PNPE-Event-Type", value: type)
            request.headers.add(name: "PNPE-Delivery-Attempt", value: String(attempt))
            request.headers.add(name: "PNPE-Signature", value: WebhookSignature.header(secrets: [secret], timestamp: timestamp, body: bytes))
            request.body = .bytes(ByteBuffer(bytes: bytes))
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                print("  → \(url) [\(response.status.code)]")
                if (200..<300).contains(response.status.code) { return }
            } catch {
                print("  → \(url) failed: \(error)")
            }
            try? await Task.sleep(for: .seconds(attempt))
        }
    }
}
