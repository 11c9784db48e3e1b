import Foundation
import SandboxCore

/// A request as the JSON API shows it: the stored facts plus what a client needs next (what is missing,
/// the links to the message log, the decision's files).
struct DossierView: Encodable {
    struct DocumentView: Encodable {
        let code: String
        let label: String
        let uploaded: Bool
        let filename: String?
        let size: Int?
        let sha256: String?
    }
    struct CheckView: Encodable {
        let kind: String
        let outcome: String
        let detail: String
        let detailEn: String
        let xroadIds: [String]
        let messageLog: [String]
        let errorCode: String?
        let checkedAt: Date
    }
    struct FeeView: Encodable {
        let amount: Int64
        let currency: String
        let paid: Bool
        let payments: [FeePayment]
    }
    struct DecisionView: Encodable {
        let kind: String
        let documentID: String
        let verificationURL: String
        let qrURL: String
        let json: String
        let signature: String
        let html: String
    }

    let id: String
    let number: String?
    let status: String
    let statusLabel: String
    let companyName: String?
    let reason: String?
    let form: ApplicationForm
    let missing: [String]
    let documents: [DocumentView]
    let checks: [CheckView]
    let fee: FeeView
    let decision: DecisionView?
    let audit: [AuditEntry]
    let page: String
    let createdAt: Date
    let submittedAt: Date?
    let decidedAt: Date?

    init(_ dossier: Dossier, service: AgrementService) {
        let application = dossier.application
        let base = service.configuration.publicBaseURL
        id = application.id
        number = application.number
        status = application.status.rawValue
        statusLabel = application.status.label.fr
        companyName = application.companyName
        reason = application.reason
        form = application.form
        let uploaded = Dictionary(uniqueKeysWithValues: dossier.documents.map { ($0.code, $0) })
        documents = service.definition.requiredDocuments.map { item in
            let stored = uploaded[item.code]
            return DocumentView(code: item.code, label: item.fr, uploaded: stored != nil, filename: stored?.filename, size: stored?.size, sha256: stored?.sha256)
        }
        missing = application.status == .draft || application.status == .sendBack
            ? application.form.missingForSubmission() + documents.filter { !$0.uploaded }.map { "documents.\($0.code)" } : []
        checks = dossier.checks.map { check in
            CheckView(
                kind: check.kind.rawValue, outcome: check.outcome.rawValue, detail: check.detail.fr, detailEn: check.detail.en, xroadIds: check.xroadIds,
                messageLog: check.xroadIds.map(service.messageLogURL), errorCode: check.errorCode, checkedAt: check.checkedAt)
        }
        fee = FeeView(amount: service.definition.fee.amount, currency: service.definition.fee.currency, paid: dossier.feePaid, payments: dossier.payments)
        decision = dossier.decision.map { decision in
            let files = "\(base)/api/v1/applications/\(application.id)/decision"
            return DecisionView(
                kind: decision.kind.rawValue, documentID: decision.documentID, verificationURL: decision.verificationURL, qrURL: decision.qrURL,
                json: files + ".json", signature: files + ".json.p7s", html: files + ".html")
        }
        audit = dossier.audit
        page = "\(base)/demandes/\(application.id)"
        createdAt = application.createdAt
        submittedAt = application.submittedAt
        decidedAt = application.decidedAt
    }
}
