import ArgumentParser
import Foundation
import NIOHTTP1
import PNPE
import SandboxCore

/// `sandbox pnpe …`: talk to the PNPE block's API as a merchant.
struct PNPECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pnpe",
        abstract: "Payments of a running sandbox: payments, refunds, events, a webhook forwarder, test payers, reports.",
        subcommands: [
            PNPEPaymentsCommand.self, PNPERefundsCommand.self, PNPEEventsCommand.self, PNPEListenCommand.self, PNPEScenariosCommand.self,
            PNPEReportCommand.self,
        ])
}

/// Options of every `sandbox pnpe` command.
struct PNPEOptions: ParsableArguments {
    @OptionGroup var sandbox: SandboxOptions

    @Option(help: "Base URL of the PNPE (default: http://localhost:8086 plus the port offset).")
    var pnpeURL: String?

    @Option(help: "Merchant secret key (default: $PNPE_SECRET_KEY, then the illustrative ARCEP merchant's key).")
    var key: String?

    @Flag(help: "Print the raw JSON answer.")
    var json = false

    var baseURL: String {
        let url = pnpeURL ?? sandbox.configuration.baseURL(.pnpe)
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    var secretKey: String {
        if let key { return key }
        if let environment = ProcessInfo.processInfo.environment["PNPE_SECRET_KEY"], !environment.isEmpty { return environment }
        return DemoMerchant.secretKey
    }

    var client: SandboxHTTPClient { SandboxHTTPClient(baseURL: baseURL, token: secretKey) }

    /// GETs `path` and returns the parsed JSON, or throws the PNPE's error message.
    func get(_ path: String) async throws -> (JSONValue, SandboxHTTPClient.Reply) {
        let reply = try await client.send(.GET, path)
        return (try Self.checked(reply), reply)
    }

    static func checked(_ reply: SandboxHTTPClient.Reply) throws -> JSONValue {
        let value = (try? JSONParser.parse(reply.body)) ?? .null
        guard (200..<300).contains(reply.status) else {
            if case .string(let message)? = value["error"]?["message"] { throw CLIError("HTTP \(reply.status): \(message)") }
            throw CLIError("HTTP \(reply.status): \(reply.text.prefix(300))")
        }
        return value
    }
}

/// Reading fields of JSON answers for tables.
extension JSONValue {
    func text(_ path: String) -> String {
        var value: JSONValue? = self
        for part in path.split(separator: ".") { value = value?[String(part)] }
        switch value {
        case .string(let text)?: return text
        case .integer(let number)?: return String(number)
        case .bool(let flag)?: return String(flag)
        case .number(let text)?: return text
        default: return "—"
        }
    }

    var elements: [JSONValue] { if case .array(let elements) = self { elements } else { [] } }
}

/// A plain text table: columns padded to their widest cell.
enum TextTable {
    static func print(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        Swift.print(line(header))
        for row in rows { Swift.print(line(row)) }
    }
}
