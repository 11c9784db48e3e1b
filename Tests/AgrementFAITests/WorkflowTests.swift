import Testing
@testable import AgrementFAI

/// The request's state machine, every move: allowed ones give the next status, refused ones say why.
@Suite("workflow state machine")
struct WorkflowTests {
    static let ready = Workflow.Readiness(checksPassed: true, feePaid: true)

    @Test(arguments: [
        (WorkflowAction.submit, FileStatus.draft, FileStatus.pending),
        (.submit, .sendBack, .pending),
        (.edit, .draft, .draft),
        (.edit, .sendBack, .sendBack),
        (.approve, .pending, .approved),
        (.reject, .pending, .rejected),
        (.sendBack, .pending, .sendBack),
    ])
    func allowedMoves(action: WorkflowAction, from: FileStatus, to: FileStatus) {
        #expect(Workflow.next(action, from: from, readiness: Self.ready) == .success(to))
    }

    @Test func aSecondSubmissionIsRefused() throws {
        guard case .failure(let error) = Workflow.next(.submit, from: .pending) else { Issue.record("accepted"); return }
        #expect(error.reason.contains("already submitted"))
        for decided in [FileStatus.approved, .rejected] {
            #expect(throws: Never.self) { if case .success = Workflow.next(.submit, from: decided) { Issue.record("\(decided) resubmitted") } }
        }
    }

    @Test func agentsDecideOnlyOnPendingRequests() {
        for action in [WorkflowAction.approve, .reject, .sendBack] {
            for status in FileStatus.allCases where status != .pending {
                guard case .failure(let error) = Workflow.next(action, from: status, readiness: Self.ready) else {
                    Issue.record("\(action) accepted on \(status)")
                    continue
                }
                #expect(error.reason.contains("agents decide only on PENDING"))
                #expect(error.status == status && error.action == action)
            }
        }
    }

    @Test func approvalNeedsEveryCheckAndTheFee() {
        let noChecks = Workflow.next(.approve, from: .pending, readiness: .init(checksPassed: false, feePaid: true))
        let noFee = Workflow.next(.approve, from: .pending, readiness: .init(checksPassed: true, feePaid: false))
        guard case .failure(let checks) = noChecks, case .failure(let fee) = noFee else { Issue.record("approved without checks or fee"); return }
        #expect(checks.reason.contains("registry check"))
        #expect(fee.reason.contains("fee is not paid"))
        // Rejecting and sending back need neither: a failed check is the usual reason for them.
        #expect(Workflow.next(.sendBack, from: .pending) == .success(.sendBack))
        #expect(Workflow.next(.reject, from: .pending) == .success(.rejected))
    }

    @Test func theFeeIsPaidOnceAfterSubmission() {
        #expect(Workflow.next(.pay, from: .pending) == .success(.pending))
        #expect(Workflow.next(.pay, from: .sendBack) == .success(.sendBack))
        for (status, readiness) in [(FileStatus.draft, Workflow.Readiness(checksPassed: false, feePaid: false)), (.pending, Self.ready), (.approved, Self.ready)] {
            if case .success = Workflow.next(.pay, from: status, readiness: readiness) { Issue.record("pay accepted on \(status)") }
        }
    }

    @Test func decidedRequestsAreFrozen() {
        for status in [FileStatus.approved, .rejected] {
            #expect(status.isFinal)
            if case .success = Workflow.next(.edit, from: status) { Issue.record("\(status) edited") }
        }
        #expect(Workflow.needsReason(.reject) && Workflow.needsReason(.sendBack) && !Workflow.needsReason(.approve))
    }

    @Test func fileNumbersHaveSixDigits() {
        #expect(Application.fileNumber(year: 2026, sequence: 42) == "AGR-FAI-2026-000042")
        #expect(Application.fileNumber(year: 2027, sequence: 1_234_567) == "AGR-FAI-2027-1234567")
    }
}
