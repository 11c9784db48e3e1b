import Foundation
import SandboxCore

/// Every read and write of the e-service's database. Status changes happen inside one transaction that
/// reads the current status, asks ``Workflow`` and writes the audit entry, so two agents (or a double
/// click) can never both move the same request.
final class ApplicationStore: Sendable {
    let database: Database

    init(path: String) throws {
        database = try Database(path: path, migrations: AgrementMigrations.all)
    }

    // MARK: Applications

    func insert(_ application: Application, audit: AuditEntry) throws {
        try database.transaction { tx in
            try tx.execute(
                "INSERT INTO applications (id, number, status, updated_ms, body) VALUES (?, ?, ?, ?, ?)",
                [.text(application.id), .null, .text(application.status.rawValue), .integer(application.updatedAt.milliseconds), .text(try StoredJSON.encode(application))])
            try Self.append(audit, to: application.id, tx)
        }
    }

    func application(_ id: String) throws -> Application? {
        try database.queryOne("SELECT body FROM applications WHERE id = ?", [.text(id)]).map { try StoredJSON.decode(Application.self, try $0.string("body")) }
    }

    func application(number: String) throws -> Application? {
        try database.queryOne("SELECT body FROM applications WHERE number = ?", [.text(number)]).map { try StoredJSON.decode(Application.self, try $0.string("body")) }
    }

    /// Requests in `statuses`, oldest change first (the agents' queue), or all when `statuses` is empty.
    func applications(statuses: [FileStatus], limit: Int = 200) throws -> [Application] {
        let filter = statuses.isEmpty ? "" : "WHERE status IN (" + statuses.map { _ in "?" }.joined(separator: ",") + ")"
        return try database.query("SELECT body FROM applications \(filter) ORDER BY updated_ms LIMIT \(limit)", statuses.map { .text($0.rawValue) })
            .map { try StoredJSON.decode(Application.self, try $0.string("body")) }
    }

    /// Reads the request, lets `change` decide and modify it (it throws to refuse), writes it with its
    /// audit entry, all in one transaction.
    /// - Parameter change: gets the request and the transaction (to draw a file number, say), returns the
    ///   audit entry to write.
    @discardableResult
    func update(_ id: String, _ change: (inout Application, Transaction) throws -> AuditEntry) throws -> Application {
        try database.transaction { tx in
            guard let row = try tx.queryOne("SELECT body FROM applications WHERE id = ?", [.text(id)]) else {
                throw Problem.notFound(what: "request", id: id)
            }
            var application = try StoredJSON.decode(Application.self, try row.string("body"))
            let audit = try change(&application, tx)
            try tx.execute(
                "UPDATE applications SET number = ?, status = ?, updated_ms = ?, body = ? WHERE id = ?",
                [application.number.map { .text($0) } ?? .null, .text(application.status.rawValue), .integer(application.updatedAt.milliseconds),
                 .text(try StoredJSON.encode(application)), .text(id)])
            try Self.append(audit, to: id, tx)
            return application
        }
    }

    /// The next number of `year`'s sequence, drawn inside the caller's transaction.
    static func nextSequence(year: Int, _ tx: Transaction) throws -> Int {
        let name = "file-number-\(year)"
        try tx.execute("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1", [.text(name)])
        return Int(try tx.queryOne("SELECT value FROM counters WHERE name = ?", [.text(name)])?.int("value") ?? 1)
    }

    // MARK: Documents

    /// - Parameter requireEditable: refuses (throws) when the request's status, read in the same
    ///   transaction, does not allow a change: a submission cannot slip in between check and write.
    func putDocument(
        _ document: StoredDocument, bytes: [UInt8], applicationID: String, requireEditable: (FileStatus) throws -> Void, audit: AuditEntry
    ) throws {
        try database.transaction { tx in
            guard let row = try tx.queryOne("SELECT status FROM applications WHERE id = ?", [.text(applicationID)]),
                let status = FileStatus(rawValue: try row.string("status"))
            else { throw Problem.notFound(what: "request", id: applicationID) }
            try requireEditable(status)
            try tx.execute(
                "INSERT INTO documents (application_id, code, body, bytes) VALUES (?, ?, ?, ?) ON CONFLICT (application_id, code) DO UPDATE SET body = excluded.body, bytes = excluded.bytes",
                [.text(applicationID), .text(document.code), .text(try StoredJSON.encode(document)), .blob(bytes)])
            try Self.append(audit, to: applicationID, tx)
        }
    }

    func documents(_ applicationID: String) throws -> [StoredDocument] {
        try database.query("SELECT body FROM documents WHERE application_id = ? ORDER BY code", [.text(applicationID)])
            .map { try StoredJSON.decode(StoredDocument.self, try $0.string("body")) }
    }

    func documentBytes(_ applicationID: String, code: String) throws -> (StoredDocument, [UInt8])? {
        try database.queryOne("SELECT body, bytes FROM documents WHERE application_id = ? AND code = ?", [.text(applicationID), .text(code)]).map {
            (try StoredJSON.decode(StoredDocument.self, try $0.string("body")), try $0.blob("bytes"))
        }
    }

    // MARK: Checks

    func putChecks(_ checks: [RegistryCheck], applicationID: String, audit: AuditEntry) throws {
        try database.transaction { tx in
            for check in checks {
                try tx.execute(
                    "INSERT INTO checks (application_id, kind, body) VALUES (?, ?, ?) ON CONFLICT (application_id, kind) DO UPDATE SET body = excluded.body",
                    [.text(applicationID), .text(check.kind.rawValue), .text(try StoredJSON.encode(check))])
            }
            try Self.append(audit, to: applicationID, tx)
        }
    }

    func checks(_ applicationID: String) throws -> [RegistryCheck] {
        let stored = try database.query("SELECT body FROM checks WHERE application_id = ?", [.text(applicationID)])
            .map { try StoredJSON.decode(RegistryCheck.self, try $0.string("body")) }
        return RegistryCheck.Kind.allCases.compactMap { kind in stored.first { $0.kind == kind } }
    }

    // MARK: Payments

    func insertPayment(_ payment: FeePayment, audit: AuditEntry) throws {
        try database.transaction { tx in
            try tx.execute(
                "INSERT INTO payments (payment_id, application_id, attempt, status, updated_ms, body) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(payment.paymentID), .text(payment.applicationID), .integer(Int64(payment.attempt)), .text(payment.status), .integer(payment.updatedAt.milliseconds),
                 .text(try StoredJSON.encode(payment))])
            try Self.append(audit, to: payment.applicationID, tx)
        }
    }

    /// Records a new status for a payment, with its audit entry; nil when the status is unchanged.
    func changePayment(_ paymentID: String, to status: String, failureCode: String?, source: String, at date: Date) throws -> FeePayment? {
        try database.transaction { tx in
            guard let row = try tx.queryOne("SELECT body FROM payments WHERE payment_id = ?", [.text(paymentID)]) else { return nil }
            var payment = try StoredJSON.decode(FeePayment.self, try row.string("body"))
            guard payment.status != status else { return nil }
            payment.status = status
            payment.failureCode = failureCode
            payment.confirmedBy = source
            payment.updatedAt = date
            try tx.execute(
                "UPDATE payments SET status = ?, updated_ms = ?, body = ? WHERE payment_id = ?",
                [.text(status), .integer(date.milliseconds), .text(try StoredJSON.encode(payment)), .text(paymentID)])
            try Self.append(AuditEntry(at: date, actor: "pnpe", action: "payment.\(status)", detail: "\(paymentID) (\(source))"), to: payment.applicationID, tx)
            return payment
        }
    }

    func payments(_ applicationID: String) throws -> [FeePayment] {
        try database.query("SELECT body FROM payments WHERE application_id = ? ORDER BY attempt", [.text(applicationID)])
            .map { try StoredJSON.decode(FeePayment.self, try $0.string("body")) }
    }

    func payment(_ paymentID: String) throws -> FeePayment? {
        try database.queryOne("SELECT body FROM payments WHERE payment_id = ?", [.text(paymentID)]).map { try StoredJSON.decode(FeePayment.self, try $0.string("body")) }
    }

    /// Payments still open whose status has not changed since `before`: the poller's work.
    func openPayments(unchangedSince before: Date) throws -> [FeePayment] {
        try database.query(
            "SELECT body FROM payments WHERE status IN ('pending', 'processing') AND updated_ms < ? ORDER BY updated_ms LIMIT 50", [.integer(before.milliseconds)]
        ).map { try StoredJSON.decode(FeePayment.self, try $0.string("body")) }
    }

    // MARK: Webhook events

    func isKnownEvent(_ eventID: String) throws -> Bool {
        try database.queryOne("SELECT 1 AS known FROM webhook_events WHERE event_id = ?", [.text(eventID)]) != nil
    }

    /// Remembers an event handled, so that a duplicate delivery is recognised.
    func recordEvent(_ eventID: String, type: String, at date: Date) throws {
        try database.execute(
            "INSERT INTO webhook_events (event_id, type, received_ms) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
            [.text(eventID), .text(type), .integer(date.milliseconds)])
    }

    // MARK: Decisions

    /// Stores the signed decision and moves the request, in one transaction.
    func putDecision(_ decision: Decision, applicationID: String, _ change: (inout Application, Transaction) throws -> AuditEntry) throws -> Application {
        try update(applicationID) { application, tx in
            try tx.execute(
                "INSERT INTO decisions (application_id, body, json, signature) VALUES (?, ?, ?, ?)",
                [.text(applicationID), .text(try StoredJSON.encode(decision)), .blob(decision.json), .blob(decision.signature)])
            return try change(&application, tx)
        }
    }

    /// Checks passed and fee paid, read inside a transaction: a decision is re-checked there, after the
    /// PKI has sealed it, in case a check was run again or a payment refunded meanwhile.
    static func readiness(_ applicationID: String, _ tx: Transaction) throws -> Workflow.Readiness {
        let checks = try tx.query("SELECT body FROM checks WHERE application_id = ?", [.text(applicationID)])
            .map { try StoredJSON.decode(RegistryCheck.self, try $0.string("body")) }
        let payments = try tx.query("SELECT body FROM payments WHERE application_id = ?", [.text(applicationID)])
            .map { try StoredJSON.decode(FeePayment.self, try $0.string("body")) }
        return Workflow.Readiness(checks: checks, payments: payments)
    }

    func decision(_ applicationID: String) throws -> Decision? {
        try database.queryOne("SELECT body FROM decisions WHERE application_id = ?", [.text(applicationID)]).map { try StoredJSON.decode(Decision.self, try $0.string("body")) }
    }

    // MARK: Audit and outbox

    private static func append(_ entry: AuditEntry, to applicationID: String, _ tx: Transaction) throws {
        try tx.execute("INSERT INTO audit (application_id, body) VALUES (?, ?)", [.text(applicationID), .text(try StoredJSON.encode(entry))])
    }

    func audit(_ applicationID: String) throws -> [AuditEntry] {
        try database.query("SELECT body FROM audit WHERE application_id = ? ORDER BY id", [.text(applicationID)])
            .map { try StoredJSON.decode(AuditEntry.self, try $0.string("body")) }
    }

    func appendOutbox(_ message: OutboxMessage) throws {
        try database.execute("INSERT INTO outbox (application_id, body) VALUES (?, ?)", [.text(message.applicationID), .text(try StoredJSON.encode(message))])
    }

    /// The latest messages, newest first; those of one request when `applicationID` is given.
    func outbox(applicationID: String? = nil, limit: Int = 200) throws -> [OutboxMessage] {
        let rows = try applicationID.map { try database.query("SELECT id, body FROM outbox WHERE application_id = ? ORDER BY id DESC LIMIT \(limit)", [.text($0)]) }
            ?? database.query("SELECT id, body FROM outbox ORDER BY id DESC LIMIT \(limit)")
        return try rows.map { row in
            var message = try StoredJSON.decode(OutboxMessage.self, try row.string("body"))
            message.id = try row.int("id")
            return message
        }
    }

    // MARK: Sessions and settings

    func createSession(token: String, login: String, expires: Date) throws {
        try database.execute("INSERT INTO sessions (token, login, expires_ms) VALUES (?, ?, ?)", [.text(token), .text(login), .integer(expires.milliseconds)])
    }

    func sessionLogin(token: String, now: Date) throws -> String? {
        try database.queryOne("SELECT login FROM sessions WHERE token = ? AND expires_ms > ?", [.text(token), .integer(now.milliseconds)]).map { try $0.string("login") }
    }

    func deleteSession(token: String) throws {
        try database.execute("DELETE FROM sessions WHERE token = ?", [.text(token)])
    }

    func setting(_ key: String) throws -> String? {
        try database.queryOne("SELECT value FROM settings WHERE key = ?", [.text(key)]).map { try $0.string("value") }
    }

    func setSetting(_ key: String, _ value: String) throws {
        try database.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [.text(key), .text(value)])
    }
}
