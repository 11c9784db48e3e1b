import Foundation
import SandboxCore

/// The e-mails and SMS the e-service would send the applicant. Nothing leaves the machine: each message is
/// kept in the outbox (`/messages`), where trainees read what their users would have received.
struct Notifier: Sendable {
    let store: ApplicationStore
    let clock: any SandboxClock
    let publicBaseURL: String

    func submitted(_ application: Application, definition: ServiceDefinition) {
        let number = application.number ?? ""
        send(
            application, subject: "Demande \(number) reçue",
            email: """
                Bonjour,

                Votre demande d'agrément de fournisseur d'accès à Internet a bien été reçue sous le numéro \(number).
                Frais d'étude de dossier : \(Self.francs(definition.fee.amount)), à régler en ligne.
                Suivi : \(link(application))

                (Message illustratif du bac à sable — aucun courriel n'est envoyé.)
                """,
            sms: "ARCEP: demande \(number) recue. Frais \(Self.francs(definition.fee.amount)). Suivi: \(link(application))")
    }

    func feePaid(_ application: Application, payment: FeePayment) {
        send(
            application, subject: "Frais de dossier payés — \(application.number ?? "")",
            email: "Le paiement \(payment.paymentID) de \(Self.francs(payment.amount)) est confirmé par la PNPE. Votre dossier passe en instruction.\n\(link(application))",
            sms: "ARCEP: paiement de \(Self.francs(payment.amount)) confirme pour \(application.number ?? "").")
    }

    func paymentFailed(_ application: Application, payment: FeePayment) {
        send(
            application, subject: "Paiement non abouti — \(application.number ?? "")",
            email: "Le paiement \(payment.paymentID) n'a pas abouti (\(payment.status), \(payment.failureCode ?? "-")). Vous pouvez payer à nouveau : \(link(application))",
            sms: "ARCEP: paiement non abouti (\(payment.failureCode ?? payment.status)) pour \(application.number ?? ""). Reessayez: \(link(application))")
    }

    func decided(_ application: Application) {
        let number = application.number ?? ""
        switch application.status {
        case .approved:
            send(
                application, subject: "Agrément accordé — \(number)",
                email: "Votre agrément FAI est accordé. Téléchargez-le, avec sa signature électronique, ici : \(link(application))",
                sms: "ARCEP: agrement \(number) accorde. Document: \(link(application))")
        case .rejected:
            send(
                application, subject: "Demande rejetée — \(number)",
                email: "Votre demande \(number) est rejetée. Motif : \(application.reason ?? "-")\nNotification signée : \(link(application))",
                sms: "ARCEP: demande \(number) rejetee. Motif et notification: \(link(application))")
        case .sendBack:
            send(
                application, subject: "Demande à compléter — \(number)",
                email: "Votre demande \(number) vous est renvoyée pour complément. Motif : \(application.reason ?? "-")\nCorrigez-la puis soumettez-la à nouveau : \(link(application))",
                sms: "ARCEP: demande \(number) a completer. Motif: \(application.reason ?? "-")")
        default:
            break
        }
    }

    private func link(_ application: Application) -> String { "\(publicBaseURL)/demandes/\(application.id)" }

    private func send(_ application: Application, subject: String, email: String, sms: String) {
        let now = clock.now()
        var messages: [OutboxMessage] = []
        if let address = application.form.email {
            messages.append(OutboxMessage(id: 0, applicationID: application.id, channel: .email, recipient: address, subject: subject, body: email, createdAt: now))
        }
        if let phone = application.form.phone {
            messages.append(OutboxMessage(id: 0, applicationID: application.id, channel: .sms, recipient: phone, subject: subject, body: String(sms.prefix(320)), createdAt: now))
        }
        // A notification that cannot be stored must not undo what was decided.
        for message in messages { try? store.appendOutbox(message) }
    }

    /// `25 000 FCFA`, as people write amounts in Benin.
    static func francs(_ amount: Int64) -> String {
        let digits = String(amount)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "\u{202F}" }
            grouped.append(character)
        }
        return grouped + " FCFA"
    }
}
