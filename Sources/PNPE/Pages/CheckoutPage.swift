import Foundation
import SandboxCore

/// The hosted checkout (reference §4.3): French first, the amount as people write it, one tile per
/// operator, the phone field, and the sandbox buttons that play the payer's part.
enum CheckoutPage {
    static func render(payment: Payment, merchant: Merchant, language: Language, error: String? = nil) -> String {
        let t = { (fr: String, en: String) in LocalizedText(fr: fr, en: en)(language) }
        let base = "/checkout/\(payment.checkoutToken)"
        let lang = "?lang=\(language.rawValue)"
        var body = """
            <h1>\(t("Paiement", "Payment").htmlEscaped) — \(merchant.name.htmlEscaped)</h1>
            <p>\((payment.description ?? t("Paiement en ligne", "Online payment")).htmlEscaped)</p>
            <p class="amount">\(Formatting.francs(payment.amount).htmlEscaped)</p>
            <p>\(t("Statut", "Status").htmlEscaped) : <span class="status" id="status">\(payment.status.rawValue)</span></p>
            """
        if let error { body += "<p role=\"alert\" style=\"color:#a00\">\(error.htmlEscaped)</p>" }
        switch payment.status {
        case .pending:
            let tiles = payment.methods.enumerated().map { index, method in
                "<label class=\"tile\"><input type=\"radio\" name=\"method\" value=\"\(method.rawValue)\"\(index == 0 ? " checked" : "")>\(method.displayName.htmlEscaped)</label>"
            }.joined()
            let phone = payment.customer?.msisdn ?? ""
            body += """
                <form method="post" action="\(base)\(lang)">
                <fieldset class="tiles"><legend>\(t("Choisissez votre opérateur", "Choose your operator").htmlEscaped)</legend>\(tiles)</fieldset>
                <p><label>\(t("Numéro de téléphone", "Phone number").htmlEscaped)<br>
                <input name="msisdn" type="tel" value="\(phone.htmlEscaped)" placeholder="+229 01 00 00 0001" required></label></p>
                <p><button type="submit">\(t("Payer", "Pay").htmlEscaped) \(Formatting.francs(payment.amount).htmlEscaped)</button></p>
                </form>
                """
        case .processing:
            let payer = payment.payer?.msisdn ?? ""
            body += """
                <meta http-equiv="refresh" content="3">
                <p>\(t("Une demande de paiement a été envoyée sur votre téléphone. Validez-la avec votre code PIN.", "A payment request was sent to your phone. Approve it with your PIN.").htmlEscaped)</p>
                <p><a href="/payer/\(payer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")\(lang)&amp;payment=\(payment.id)">\(t("Ouvrir le simulateur de téléphone", "Open the phone simulator").htmlEscaped)</a></p>
                """
        default:
            let outcome = payment.status == .succeeded ? t("Paiement réussi.", "Payment succeeded.") : t("Le paiement n'a pas abouti.", "The payment did not go through.")
            body += "<p>\(outcome.htmlEscaped)\(payment.failureMessage.map { " " + $0.htmlEscaped } ?? "")</p>"
            if let location = PaymentPlatform.returnLocation(payment) {
                body += "<p><a href=\"\(location.htmlEscaped)\">\(t("Retour au site du marchand", "Back to the merchant's site").htmlEscaped)</a></p>"
            }
        }
        if payment.status == .pending || payment.status == .processing {
            let buttons: [(String, LocalizedText)] = [
                ("approve", LocalizedText(fr: "Approuver", en: "Approve")), ("decline", LocalizedText(fr: "Refuser", en: "Decline")),
                ("insufficient_funds", LocalizedText(fr: "Solde insuffisant", en: "Insufficient funds")),
                ("expire", LocalizedText(fr: "Laisser expirer", en: "Let it expire")), ("cancel", LocalizedText(fr: "Annuler", en: "Cancel")),
            ]
            body += """
                <form class="sandbox" method="post" action="\(base)/simulate\(lang)">
                <p><strong>\(t("Bac à sable", "Sandbox").htmlEscaped)</strong> — \(t("simulez la réponse du payeur :", "play the payer's answer:").htmlEscaped)</p>
                \(buttons.map { "<button name=\"action\" value=\"\($0.0)\">\($0.1(language).htmlEscaped)</button>" }.joined())
                </form>
                """
        }
        body += "<p><small>\(t("Ne vous fiez jamais aux paramètres de return_url : confirmez le paiement par GET /v1/payments/{id} ou par le webhook.", "Never trust return_url parameters: confirm the payment with GET /v1/payments/{id} or the webhook.").htmlEscaped)</small></p>"
        return PageLayout.render(title: t("Paiement", "Payment") + " " + Formatting.francs(payment.amount), language: language, body: body)
    }

    static func notFound(language: Language) -> String {
        PageLayout.render(
            title: "PNPE", language: language,
            body: "<h1>\(LocalizedText(fr: "Lien de paiement inconnu", en: "Unknown payment link")(language).htmlEscaped)</h1>")
    }
}

/// The payer's phone (reference §4.3): pending pushes as USSD prompts, approved with a PIN.
enum PayerPage {
    /// - Parameter only: a payment id, when the page was opened from that payment's checkout: a cohort shares
    ///   the test numbers, so the other trainees' prompts to the same number are left out (one link away).
    static func render(msisdn: MSISDN, prompts: [(Payment, Merchant)], language: Language, message: String? = nil, only: String? = nil) -> String {
        let t = { (fr: String, en: String) in LocalizedText(fr: fr, en: en)(language) }
        let path = "/payer/\(msisdn.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let filter = only.map { "&payment=" + ($0.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "") } ?? ""
        let prompts = only.map { id in prompts.filter { $0.0.id == id } } ?? prompts
        var body = "<h1>📱 \(msisdn.formatted.htmlEscaped)</h1>"
        if let message { body += "<p role=\"status\">\(message.htmlEscaped)</p>" }
        if only != nil {
            body += "<p><a href=\"\(path)?lang=\(language.rawValue)\">\(t("Toutes les demandes reçues par ce numéro", "Every request to this number").htmlEscaped)</a></p>"
        }
        if prompts.isEmpty {
            // To the phone page itself: after answering, the document's own URL is the prompt's, POST only.
            let page = "\(path)?lang=\(language.rawValue)\(filter)".htmlEscaped
            body += "<meta http-equiv=\"refresh\" content=\"3; url=\(page)\"><p>\(t("Aucune demande de paiement en attente.", "No pending payment request.").htmlEscaped)</p>"
        }
        for (payment, merchant) in prompts {
            let operatorName = payment.method?.displayName ?? "Mobile Money"
            let question = language == .fr
                ? "\(operatorName) : Payer \(Formatting.francs(payment.amount)) à \(merchant.name) ? Entrez votre code PIN"
                : "\(operatorName): Pay \(Formatting.francs(payment.amount)) to \(merchant.name)? Enter your PIN"
            body += """
                <form class="ussd" method="post" action="\(path)/prompts/\(payment.id)?lang=\(language.rawValue)\(filter.htmlEscaped)">
                <p>\(question.htmlEscaped)</p>
                <p><input name="pin" inputmode="numeric" pattern="[0-9]{4}" maxlength="4" placeholder="PIN" autocomplete="off"></p>
                <button name="action" value="approve">\(t("Valider", "Approve").htmlEscaped)</button>
                <button name="action" value="decline">\(t("Refuser", "Decline").htmlEscaped)</button>
                </form>
                """
        }
        body += "<p><small>\(t("Tout code à 4 chiffres valide ; 0000 est un code erroné.", "Any 4-digit PIN approves; 0000 is a wrong PIN.").htmlEscaped)</small></p>"
        return PageLayout.render(title: t("Téléphone", "Phone") + " " + msisdn.formatted, language: language, body: body)
    }
}
