import Foundation

/// One request for an agreement, as stored. `id` is the applicant's handle from the first draft (the
/// sandbox has no applicant login: whoever holds the id holds the request); `number` is the file number
/// given at the first submission, `AGR-FAI-2026-000042`.
public struct Application: Sendable, Codable, Equatable {
    public var id: String
    public var number: String?
    public var status: FileStatus
    public var form: ApplicationForm
    /// The company name, as the RCCM answered it (filled by the checks).
    public var companyName: String?
    /// The reason of the last send-back or rejection, which the applicant reads.
    public var reason: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var submittedAt: Date?
    public var decidedAt: Date?

    /// `AGR-FAI-<year>-<6 digits>`.
    public static func fileNumber(year: Int, sequence: Int) -> String {
        "AGR-FAI-\(year)-" + String(repeating: "0", count: max(0, 6 - String(sequence).count)) + String(sequence)
    }
}

/// A supporting document: a PDF kept in the database with its SHA-256.
public struct StoredDocument: Sendable, Codable, Equatable {
    public var code: String
    public var filename: String
    public var size: Int
    /// Lower-case hex, as `sha256sum` prints it.
    public var sha256: String
    public var uploadedAt: Date
}

/// An entry of the audit trail: who did what, when.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var at: Date
    /// `applicant`, `agent:<login>`, `system`, `pnpe`.
    public var actor: String
    public var action: String
    public var detail: String
}

/// An e-mail or SMS the e-service would send. The sandbox only keeps them, on the outbox page.
public struct OutboxMessage: Sendable, Codable, Equatable {
    public enum Channel: String, Sendable, Codable { case email, sms }
    public var id: Int64
    public var applicationID: String
    public var channel: Channel
    public var recipient: String
    public var subject: String
    public var body: String
    public var createdAt: Date
}
