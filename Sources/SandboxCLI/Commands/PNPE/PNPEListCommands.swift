import ArgumentParser
import Foundation
import NIOHTTP1
import PNPE

/// `sandbox pnpe payments [ID]`: recent payments, or one payment with its timeline.
struct PNPEPaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payments", abstract: "List recent payments, or show one with its event timeline.")

    @OptionGroup var options: PNPEOptions
    @Argument(help: "A payment id (pay_…) to show.") var id: String?
    @Option(help: "Only payments in this status.") var status: String?
    @Option(help: "How many (1–100).") var limit: Int = 20

    func run() async throws {
        if let id {
            let (payment, reply) = try await options.get("/v1/payments/\(id)")
            let (timeline, _) = try await options.get("/v1/payments/\(id)/events")
            if options.json { return Output.printJSON(reply.body) }
            for field in ["id", "status", "amount", "currency", "amount_refunded", "method", "payer.msisdn", "merchant_reference", "failure_code", "checkout_url", "settlement.status", "test.scenario"] {
                print("\(field.padding(toLength: 20, withPad: " ", startingAt: 0)) \(payment.text(field))")
            }
            print("")
            TextTable.print(["created_at", "event", "id"], timeline["data"]?.elements.map { [$0.text("created_at"), $0.text("type"), $0.text("id")] } ?? [])
            return
        }
        var path = "/v1/payments?limit=\(limit)"
        if let status { path += "&status=\(status)" }
        let (list, reply) = try await options.get(path)
        if options.json { return Output.printJSON(reply.body) }
        TextTable.print(
            ["id", "status", "amount", "method", "reference", "created_at"],
            list["data"]?.elements.map { [$0.text("id"), $0.text("status"), $0.text("amount"), $0.text("method"), $0.text("merchant_reference"), $0.text("created_at")] } ?? [])
    }
}

/// `sandbox pnpe refunds`: recent refunds, or those of one payment.
struct PNPERefundsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "refunds", abstract: "List recent refunds, or the refunds of one payment.")

    @OptionGroup var options: PNPEOptions
    @Option(help: "Only the refunds of this payment.") var payment: String?
    @Option(help: "How many (1–100).") var limit: Int = 20

    func run() async throws {
        let (list, reply) = try await options.get(payment.map { "/v1/payments/\($0)/refunds" } ?? "/v1/refunds?limit=\(limit)")
        if options.json { return Output.printJSON(reply.body) }
        TextTable.print(
            ["id", "payment_id", "amount", "status", "reason", "created_at"],
            list["data"]?.elements.map { [$0.text("id"), $0.text("payment_id"), $0.text("amount"), $0.text("status"), $0.text("reason"), $0.text("created_at")] } ?? [])
    }
}

/// `sandbox pnpe events`: the event log, newest first.
struct PNPEEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "List recent events (what webhooks carry).")

    @OptionGroup var options: PNPEOptions
    @Option(help: "Only events of this type, e.g. payment.succeeded.") var type: String?
    @Option(help: "How many (1–100).") var limit: Int = 20

    func run() async throws {
        var path = "/v1/events?limit=\(limit)"
        if let type { path += "&type=\(type)" }
        let (list, reply) = try await options.get(path)
        if options.json { return Output.printJSON(reply.body) }
        TextTable.print(
            ["id", "type", "object", "created_at"],
            list["data"]?.elements.map { [$0.text("id"), $0.text("type"), $0.text("data.object.id"), $0.text("created_at")] } ?? [])
    }
}

/// `sandbox pnpe scenarios`: the deterministic test payers.
struct PNPEScenariosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenarios", abstract: "The test payers: which number gives which outcome, when, and how its webhooks behave.")

    @OptionGroup var options: PNPEOptions

    func run() async throws {
        let (list, reply) = try await options.get("/v1/test_helpers/scenarios")
        if options.json { return Output.printJSON(reply.body) }
        TextTable.print(
            ["msisdn", "scenario", "final", "failure_code", "timing", "webhook"],
            list["data"]?.elements.map { [$0.text("msisdn"), $0.text("name"), $0.text("final_status"), $0.text("failure_code"), $0.text("timing"), $0.text("webhook")] } ?? [])
    }
}

/// `sandbox pnpe report`: the reconciliation report of a period.
struct PNPEReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Reconciliation report of a period (CSV, or a summary).")

    @OptionGroup var options: PNPEOptions
    @Option(help: "First day, YYYY-MM-DD (default: today on the merchant's clock).") var from: String?
    @Option(help: "Last day, YYYY-MM-DD (default: --from).") var to: String?
    @Flag(help: "Print the CSV file (the columns of the reconciliation report).") var csv = false

    func run() async throws {
        var query: [String] = []
        if let from { query.append("from=\(from)") }
        if let to { query.append("to=\(to)") }
        if csv {
            let reply = try await options.client.send(.GET, "/v1/reports/reconciliation?" + (query + ["format=csv"]).joined(separator: "&"))
            _ = try PNPEOptions.checked(reply)
            return print(reply.text, terminator: "")
        }
        let (report, reply) = try await options.get("/v1/reports/reconciliation?" + query.joined(separator: "&"))
        if options.json { return Output.printJSON(reply.body) }
        print("\(report.text("from")) → \(report.text("to")) (XOF)")
        for field in ["count", "gross", "fees", "net", "refunds", "net_payable", "settled", "unsettled"] {
            print("\(field.padding(toLength: 12, withPad: " ", startingAt: 0)) \(report.text("summary.\(field)"))")
        }
    }
}
