import Foundation
import SandboxCore

/// The decision as a document of record: canonical JSON (keys sorted, no insignificant spaces, UTF-8, no
/// escaped slashes), so that the same decision always gives the same bytes — the bytes the seal signs and
/// the PKI registers. The HTML page is a rendering of this JSON for people, not what is signed.
struct DecisionDocument: Encodable {
    struct Holder: Encodable {
        let name: String
        let rccm: String
        let ifu: String
        let representativeNpi: String
    }
    struct Scope: Encodable {
        let serviceType: String
        let communes: [String]
        let upstreamProviders: [String]
        let capacityMbps: Int
    }
    struct Fee: Encodable {
        let amount: Int64
        let currency: String
        let paymentId: String?
    }

    let type: String
    let notice: String
    let authority: String
    let fileNumber: String
    let decision: String
    let issuedAt: String
    let decidedBy: String
    let holder: Holder
    let scope: Scope
    let fee: Fee
    let reason: String?

    init(kind: Decision.Kind, application: Application, definition: ServiceDefinition, payment: FeePayment?, agent: String, reason: String?, at date: Date) {
        let form = application.form
        type = kind.rawValue
        notice = "Document illustratif produit par le bac à sable Interop Sandbox — sans valeur juridique. Illustrative document, no legal value."
        authority = definition.service.authority
        fileNumber = application.number ?? application.id
        decision = kind == .agreement ? "APPROVED" : "REJECTED"
        issuedAt = date.formatted(.iso8601)
        decidedBy = agent
        holder = Holder(name: application.companyName ?? form.rccm ?? "", rccm: form.rccm ?? "", ifu: form.ifu ?? "", representativeNpi: form.representativeNpi ?? "")
        scope = Scope(serviceType: form.serviceType ?? "", communes: form.communes ?? [], upstreamProviders: form.upstreamProviders ?? [], capacityMbps: form.capacityMbps ?? 0)
        fee = Fee(amount: definition.fee.amount, currency: definition.fee.currency, paymentId: payment?.paymentID)
        self.reason = reason
    }

    func canonicalJSON() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
