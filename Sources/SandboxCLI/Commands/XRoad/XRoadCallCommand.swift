import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCore
import XRoad

/// `sandbox xroad call SERVICE [PATH]`: a curl for X-Road that fills in the identifiers.
struct XRoadCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a REST service through a security server, as an information system would.",
        discussion: """
            SERVICE is CLASS/MEMBER/SUBSYSTEM/SERVICE in the BJ-SANDBOX instance (or a full 5-part id), e.g.
            sandbox xroad call GOV/APIEX/RCCM/companies '?rccm=RB/COT/24 B 00042'
            sandbox xroad call GOV/ANIP/RNPP/persons /1000000042
            Exit status 0 for a 2xx answer, 1 otherwise; the sandbox's explanation of an error is printed.
            """)

    @OptionGroup var target: SecurityServerOptions

    @Argument(help: "The service id.")
    var service: String

    @Argument(help: "Path and query after the service code (the query's values are encoded for you).")
    var path: String = ""

    @Option(help: "The calling subsystem (X-Road-Client).")
    var client: String = "GOV/ARCEP/AGREMENT-FAI"

    @Option(help: "HTTP method.")
    var method: String = "GET"

    @Option(help: "Request body (JSON text, or @file).")
    var data: String?

    @Option(name: .customLong("header"), help: "Extra header, 'Name: value' (repeatable), e.g. X-Road-UserId, X-Road-Issue.")
    var headers: [String] = []

    @Flag(help: "Print only the body.")
    var quiet = false

    @Flag(help: "Print the equivalent curl command.")
    var explain = false

    func run() async throws {
        let instance = "BJ-SANDBOX"
        let serviceID: XRoadServiceID
        let clientID: XRoadClientID
        do {
            serviceID = try XRoadServiceID.parse(service, instance: instance)
            clientID = try XRoadClientID.parse(client, instance: instance)
        } catch {
            throw ValidationError(error.description)
        }
        let url = try target.baseURL() + "/r1/" + serviceID.headerValue + Self.encoded(path)
        var extra: [(String, String)] = [("X-Road-Client", clientID.headerValue)]
        for header in headers {
            let pieces = header.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty else { throw ValidationError("--header takes 'Name: value', not '\(header)'") }
            extra.append((pieces[0], pieces[1]))
        }
        var body: [UInt8]?
        if let data {
            body = data.hasPrefix("@") ? try InputFile.read(String(data.dropFirst()), what: "--data") : Array(data.utf8)
            extra.append(("Content-Type", "application/json"))
        }
        if explain {
            Output.explain([
                "curl -si -X \(method.uppercased()) '\(url)' " + extra.map { "-H '\($0.0): \($0.1)'" }.joined(separator: " ")
                    + (data.map { $0.hasPrefix("@") ? " --data-binary '\($0)'" : " -d '\($0)'" } ?? "")
            ])
        }
        let reply = try await SandboxHTTPClient(baseURL: "", token: nil).send(
            HTTPMethod(rawValue: method.uppercased()), url, body: body, headers: extra)
        if !quiet {
            print("HTTP \(reply.status)")
            for (name, value) in reply.headers where name.lowercased().hasPrefix("x-road-") || name.lowercased() == "content-type" {
                print("\(name): \(value)")
            }
            if let explanation = reply.headers.first(where: { $0.0.lowercased() == "x-sandbox-explain" })?.1 {
                print("\nExplication / explanation: \(explanation)")
            }
            print("")
        }
        print(reply.text)
        guard (200..<300).contains(reply.status) else { throw ExitCode(1) }
    }

    /// Encodes a path and query the way a careful client does: each query value percent-encoded.
    static func encoded(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        var text = path.hasPrefix("/") || path.hasPrefix("?") ? path : "/" + path
        if let mark = text.firstIndex(of: "?") {
            let query = text[text.index(after: mark)...].split(separator: "&").map { pair -> String in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
                let encode = { (part: String) in (part.removingPercentEncoding ?? part).addingPercentEncoding(withAllowedCharacters: allowed) ?? part }
                return parts.count == 2 ? encode(parts[0]) + "=" + encode(parts[1]) : encode(parts[0])
            }.joined(separator: "&")
            text = String(text[..<mark]) + "?" + query
        }
        return text
    }
}
