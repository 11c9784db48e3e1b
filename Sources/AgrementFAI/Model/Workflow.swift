import Foundation
import SandboxCore

/// Where a request stands. `DRAFT` until the applicant submits; then the agents' statuses.
public enum FileStatus: String, Sendable, Codable, CaseIterable {
    case draft = "DRAFT"
    /// Submitted, waiting for an agent (checks and fee shown beside it).
    case pending = "PENDING"
    /// Returned to the applicant with a reason: they correct and submit again.
    case sendBack = "SENDBACK"
    case approved = "APPROVED"
    case rejected = "REJECTED"

    public var label: LocalizedText {
        switch self {
        case .draft: LocalizedText(fr: "Brouillon", en: "Draft")
        case .pending: LocalizedText(fr: "En cours d'instruction", en: "Under review")
        case .sendBack: LocalizedText(fr: "Renvoyée pour complément", en: "Sent back for changes")
        case .approved: LocalizedText(fr: "Agrément accordé", en: "Agreement granted")
        case .rejected: LocalizedText(fr: "Demande rejetée", en: "Request rejected")
        }
    }

    public var isFinal: Bool { self == .approved || self == .rejected }
}

/// What someone does to a request.
public enum WorkflowAction: String, Sendable, Codable, CaseIterable {
    case edit, submit, pay
    case approve, reject
    case sendBack = "send_back"
}

/// A move the workflow refuses, in words: the HTTP layer turns it into a 409 naming the status.
public struct WorkflowError: Error, Sendable, Equatable, CustomStringConvertible {
    public let action: WorkflowAction
    public let status: FileStatus
    public let reason: String
    public var description: String { reason }
}

/// The state machine, alone, so that it can be read and tested without a database or a socket:
///
///     DRAFT ──submit──▶ PENDING ──approve──▶ APPROVED
///                        │  ▲   └──reject───▶ REJECTED
///                send_back  submit
///                        ▼  │
///                       SENDBACK (the applicant edits)
///
/// Approval also needs every registry check passed and the fee paid; those are facts about the file,
/// given here as ``Readiness``.
public enum Workflow {
    public struct Readiness: Sendable, Equatable {
        public var checksPassed: Bool
        public var feePaid: Bool
        public init(checksPassed: Bool, feePaid: Bool) {
            self.checksPassed = checksPassed
            self.feePaid = feePaid
        }

        /// From a file's stored facts: every kind of check passed (one result per kind), and a payment succeeded.
        public init(checks: [RegistryCheck], payments: [FeePayment]) {
            let passed = Set(checks.filter { $0.outcome == .passed }.map(\.kind))
            self.init(
                checksPassed: checks.count == RegistryCheck.Kind.allCases.count && passed.count == checks.count,
                feePaid: payments.contains(where: \.isPaid))
        }
    }

    /// The status after `action`, or why it is refused.
    public static func next(_ action: WorkflowAction, from status: FileStatus, readiness: Readiness = .init(checksPassed: false, feePaid: false))
        -> Result<FileStatus, WorkflowError>
    {
        func refuse(_ reason: String) -> Result<FileStatus, WorkflowError> { .failure(WorkflowError(action: action, status: status, reason: reason)) }
        switch (action, status) {
        case (.edit, .draft), (.edit, .sendBack): return .success(status)
        case (.edit, _): return refuse("the request is \(status.rawValue): only a DRAFT or SENDBACK request can be changed")
        case (.submit, .draft), (.submit, .sendBack): return .success(.pending)
        case (.submit, .pending): return refuse("the request was already submitted and is PENDING")
        case (.submit, _): return refuse("the request is \(status.rawValue): a decided request cannot be submitted again")
        case (.pay, .pending), (.pay, .sendBack):
            return readiness.feePaid ? refuse("the fee is already paid") : .success(status)
        case (.pay, .draft): return refuse("submit the request first: the fee is paid for a file number")
        case (.pay, _): return refuse("the request is \(status.rawValue): there is nothing left to pay")
        case (.approve, .pending):
            if !readiness.checksPassed { return refuse("every registry check must pass before approval (retry the checks, or send the request back)") }
            if !readiness.feePaid { return refuse("the fee is not paid yet") }
            return .success(.approved)
        case (.reject, .pending): return .success(.rejected)
        case (.sendBack, .pending): return .success(.sendBack)
        case (.approve, _), (.reject, _), (.sendBack, _):
            return refuse("the request is \(status.rawValue): agents decide only on PENDING requests")
        }
    }

    /// Whether an agent's action must carry a reason (the applicant reads it).
    public static func needsReason(_ action: WorkflowAction) -> Bool { action == .reject || action == .sendBack }
}
