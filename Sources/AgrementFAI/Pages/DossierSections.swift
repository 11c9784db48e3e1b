import Foundation
import SandboxCore

/// The parts of a request's page that the applicant and the agents both see.
enum DossierSections {
    static func checkLabel(_ kind: RegistryCheck.Kind, _ t: Words) -> String {
        switch kind {
        case .company: t("Entreprise active au RCCM (REST)", "Company active in the RCCM (REST)")
        case .representative: t("Représentant dirigeant de l'entreprise (RCCM + RNPP)", "Representative is a manager (RCCM + RNPP)")
        case .taxes: t("Entreprise à jour de ses impôts (IFU, SOAP)", "Company up to date with its taxes (IFU, SOAP)")
        }
    }

    static func summary(_ application: Application, definition: ServiceDefinition, t: Words) -> String {
        let form = application.form
        let rows: [(String, String)] = [
            (t("Numéro RCCM", "RCCM number"), form.rccm ?? "—"), ("IFU", form.ifu ?? "—"),
            (t("NPI du représentant", "Representative's NPI"), form.representativeNpi ?? "—"), (t("Téléphone", "Phone"), form.phone ?? "—"),
            (t("Courriel", "E-mail"), form.email ?? "—"),
            (t("Service", "Service"), form.serviceType.flatMap { definition.serviceType($0)?.label(t.language) } ?? "—"),
            (t("Communes", "Communes"), form.communes?.joined(separator: ", ") ?? "—"),
            (t("Fournisseurs amont", "Upstream providers"), form.upstreamProviders?.joined(separator: ", ") ?? "—"),
            (t("Capacité (Mbit/s)", "Capacity (Mbit/s)"), form.capacityMbps.map(String.init) ?? "—"),
        ]
        return "<table>" + rows.map { "<tr><th>\($0.0.htmlEscaped)</th><td>\($0.1.htmlEscaped)</td></tr>" }.joined() + "</table>"
    }

    static func documents(_ dossier: Dossier, definition: ServiceDefinition, t: Words, uploadAction: String?) -> String {
        var html = "<h2>\(t("Pièces justificatives", "Supporting documents"))</h2><p><small>\(t("PDF uniquement", "PDF only")), \(definition.maxDocumentBytes / 1024) Kio max. \(t("Liste illustrative.", "Illustrative list."))</small></p><table>"
        for item in definition.requiredDocuments {
            let stored = dossier.documents.first { $0.code == item.code }
            let state = stored.map {
                "✓ <a href=\"/api/v1/applications/\(dossier.application.id)/documents/\(item.code)\">\($0.filename.htmlEscaped)</a> (\($0.size) o)<br><small>SHA-256 <code>\($0.sha256)</code></small>"
            } ?? "✗ " + t("à fournir", "missing")
            var upload = ""
            if let uploadAction {
                upload = """
                    <form method="post" action="\(t.link(uploadAction))" enctype="multipart/form-data"><input type="hidden" name="code" value="\(item.code)">\
                    <input type="file" name="file" accept="application/pdf" required> <button>\(t("Téléverser", "Upload"))</button></form>
                    """
            }
            html += "<tr><td>\(item.label(t.language).htmlEscaped)</td><td>\(state)\(upload)</td></tr>"
        }
        return html + "</table>"
    }

    static func checks(_ dossier: Dossier, service: AgrementService, t: Words, retryAction: String?) -> String {
        guard !dossier.checks.isEmpty else { return "" }
        var html = "<h2>\(t("Contrôles automatiques via X-Road", "Automatic checks through X-Road"))</h2><table>"
        for check in dossier.checks {
            let links = check.xroadIds.map { "<a href=\"\(service.messageLogURL($0).htmlEscaped)\"><code>\($0.htmlEscaped)</code></a>" }.joined(separator: "<br>")
            html += """
                <tr><td>\(checkLabel(check.kind, t).htmlEscaped)</td><td class="\(check.outcome.rawValue)">\(check.outcome.rawValue)</td>\
                <td>\(check.detail(t.language).htmlEscaped)<br><small>\(t("Journal des messages (X-Road-Id)", "Message log (X-Road-Id)")) : \(links.isEmpty ? "—" : links)</small></td></tr>
                """
        }
        html += "</table>"
        if let retryAction, dossier.application.status == .pending, dossier.checks.contains(where: { $0.outcome == .error }) {
            html += "<form method=\"post\" action=\"\(t.link(retryAction))\"><button>\(t("Relancer les contrôles en erreur", "Retry the checks in error"))</button></form>"
        }
        return html
    }

    static func fee(_ dossier: Dossier, definition: ServiceDefinition, t: Words, payAction: String?) -> String {
        var html = "<h2>\(t("Frais d'étude de dossier", "Dossier fee"))</h2><p>\(Notifier.francs(definition.fee.amount)) — "
        html += dossier.feePaid ? "<span class=\"succeeded\">\(t("payés", "paid"))</span>" : t("non payés", "not paid")
        html += " <small>(\(t("montant illustratif", "illustrative amount")))</small></p>"
        if !dossier.payments.isEmpty {
            html += "<table><tr><th>PNPE</th><th>\(t("Référence", "Reference"))</th><th>\(t("Statut", "Status"))</th><th>\(t("Confirmé par", "Confirmed by"))</th></tr>"
            for payment in dossier.payments {
                // Every field came from the PNPE's answers: escaped like any outside text.
                let status = payment.status.htmlEscaped
                html += "<tr><td><code>\(payment.paymentID.htmlEscaped)</code></td><td>\(payment.merchantReference.htmlEscaped)</td><td class=\"\(status)\">\(status)\(payment.failureCode.map { " (\($0.htmlEscaped))" } ?? "")</td><td>\(payment.confirmedBy.htmlEscaped)</td></tr>"
            }
            html += "</table>"
        }
        if let payAction, case .success = Workflow.next(.pay, from: dossier.application.status, readiness: dossier.readiness) {
            let label = dossier.openPayment == nil ? t("Payer les frais", "Pay the fee") : t("Reprendre le paiement", "Resume the payment")
            html += "<form method=\"post\" action=\"\(t.link(payAction))\"><button>\(label) (\(Notifier.francs(definition.fee.amount)))</button></form>"
        }
        return html
    }

    static func decision(_ dossier: Dossier, t: Words) -> String {
        guard let decision = dossier.decision else { return "" }
        let files = "/api/v1/applications/\(dossier.application.id)/decision"
        let title = decision.kind == .agreement ? t("Agrément signé", "Signed agreement") : t("Notification de rejet signée", "Signed rejection notice")
        return """
            <h2>\(title)</h2>
            <p><img src="\(decision.qrURL.htmlEscaped)" alt="QR" width="140" height="140" style="float:right"><a href="\(t.link(files + ".html"))">\(t("Voir le document", "View the document"))</a> · \
            <a href="\(files).json">JSON</a> · <a href="\(files).json.p7s">\(t("signature", "signature")) .p7s</a><br>
            \(t("Vérification publique", "Public verification")) : <a href="\(decision.verificationURL.htmlEscaped)">\(decision.verificationURL.htmlEscaped)</a><br>
            <small>\(t("Contrôle hors ligne", "Offline check")) : <code>sandbox pki verify \(dossier.application.number ?? "decision").json.p7s --content \(dossier.application.number ?? "decision").json</code></small></p>
            <div style="clear:both"></div>
            """
    }

    static func audit(_ entries: [AuditEntry], t: Words) -> String {
        "<h2>\(t("Journal d'audit", "Audit trail"))</h2><table><tr><th>\(t("Quand", "When"))</th><th>\(t("Qui", "Who"))</th><th>\(t("Quoi", "What"))</th></tr>"
            + entries.map { "<tr><td>\($0.at.formatted(.iso8601))</td><td>\($0.actor.htmlEscaped)</td><td>\($0.action.htmlEscaped) <small>\($0.detail.htmlEscaped)</small></td></tr>" }.joined()
            + "</table>"
    }

    static func header(_ application: Application, t: Words) -> String {
        var html = "<h1>\(application.number.map { t("Demande", "Request") + " " + $0 } ?? t("Brouillon de demande", "Draft request"))</h1>"
        html += "<p>\(t("Statut", "Status")) : <span class=\"\(application.status.rawValue)\">\(application.status.label(t.language).htmlEscaped)</span> <small>(\(application.status.rawValue))</small>"
        if let name = application.companyName { html += " — \(name.htmlEscaped)" }
        html += "</p>"
        if let reason = application.reason, application.status == .sendBack || application.status == .rejected {
            html += "<p class=\"alert\">\(t("Motif", "Reason")) : \(reason.htmlEscaped)</p>"
        }
        return html
    }

    static func error(_ message: String?) -> String {
        message.map { "<p class=\"alert\" role=\"alert\">\($0.htmlEscaped)</p>" } ?? ""
    }
}
