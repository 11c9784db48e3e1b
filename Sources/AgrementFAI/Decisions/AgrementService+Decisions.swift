import Foundation
import HTTPTypes
import SandboxCore
import Synchronization

/// What agents do with a PENDING request. Approval and rejection produce a signed document through the
/// PKI first; only when the PKI has registered it does the status change, so a PKI outage leaves the
/// request PENDING and the agent can try again.
extension AgrementService {
    public func decide(_ id: String, action: WorkflowAction, reason: String?, agent: String) async throws -> Application {
        guard [.approve, .reject, .sendBack].contains(action) else {
            throw Problem.badRequest(field: "action", detail: "must be approve, reject or send_back")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if Workflow.needsReason(action), reason == nil {
            throw Problem.badRequest(field: "reason", detail: "is required to \(action == .reject ? "reject" : "send back") a request: the applicant reads it")
        }
        if let reason, reason.count > 2000 { throw Problem.badRequest(field: "reason", detail: "at most 2000 characters") }

        guard deciding.withLock({ $0.insert(id).inserted }) else {
            throw Problem.conflict(detail: "another decision on this request is being recorded")
        }
        defer { _ = deciding.withLock { $0.remove(id) } }

        let dossier = try dossier(id)
        try Self.require(Workflow.next(action, from: dossier.application.status, readiness: dossier.readiness))
        let now = clock.now()
        let decided: Application
        if action == .sendBack {
            decided = try store.update(id) { application, _ in
                application.status = try Self.require(Workflow.next(.sendBack, from: application.status))
                application.reason = reason
                application.updatedAt = now
                return AuditEntry(at: now, actor: "agent:\(agent)", action: "send_back", detail: reason ?? "")
            }
        } else {
            let kind: Decision.Kind = action == .approve ? .agreement : .rejection
            let document = DecisionDocument(
                kind: kind, application: dossier.application, definition: definition, payment: dossier.payments.last(where: \.isPaid), agent: agent,
                reason: reason, at: now)
            let decision = try await seal(document, kind: kind, application: dossier.application, at: now)
            decided = try store.putDecision(decision, applicationID: id) { application, tx in
                let readiness = try ApplicationStore.readiness(id, tx)
                application.status = try Self.require(Workflow.next(action, from: application.status, readiness: readiness))
                application.reason = reason
                application.updatedAt = now
                application.decidedAt = now
                return AuditEntry(at: now, actor: "agent:\(agent)", action: action.rawValue, detail: "\(decision.documentID) \(reason ?? "")")
            }
        }
        notifier.decided(decided)
        return decided
    }

    /// Signs and registers the decision at the PKI (ARCEP's seal, CAdES BASELINE_T).
    private func seal(_ document: DecisionDocument, kind: Decision.Kind, application: Application, at date: Date) async throws -> Decision {
        let json = try document.canonicalJSON()
        let number = application.number ?? application.id
        let title = kind == .agreement ? "Agrément FAI \(number)" : "Notification de rejet \(number)"
        do {
            let registered = try await pki.register(
                json, name: "\(number).json", type: kind.rawValue, title: title, holder: document.holder.name)
            guard let signature = Data(base64Encoded: registered.signature) else {
                throw Problem(status: .badGateway, slug: "pki-answer", title: "Unreadable PKI answer", detail: "the signature is not base64")
            }
            return Decision(
                kind: kind, documentID: registered.documentId, json: json, signature: Array(signature), verificationURL: registered.verification.url,
                qrURL: configuration.pkiPublicURL + registered.verification.qrPng, issuedAt: date)
        } catch let error as UpstreamError {
            throw Self.unreachable(error)
        } catch let failure as PKIClient.Failure {
            throw Problem(status: .badGateway, slug: "pki-refused", title: "The PKI refused to seal the decision", detail: failure.description)
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
