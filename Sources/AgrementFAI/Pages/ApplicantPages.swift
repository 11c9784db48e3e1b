import Foundation
import SandboxCore

/// The applicant's pages: the home page with the form, and the page of one request.
enum ApplicantPages {
    static func home(definition: ServiceDefinition, language: Language, form: ApplicationForm = ApplicationForm(), error: String? = nil) -> String {
        let t = Words(language: language)
        let documents = definition.requiredDocuments.map { "<li>\($0.label(language).htmlEscaped)</li>" }.joined()
        let body = """
            <h1>\(definition.service.title(language).htmlEscaped)</h1>
            <p>\(t("Démarche de démonstration de l'ARCEP : vos données d'entreprise sont vérifiées auprès du RCCM, de l'IFU et du RNPP via X-Road, les frais sont payés par la PNPE et l'agrément est scellé par la PKI.", "ARCEP's demonstration procedure: your company's data is checked with the RCCM, IFU and RNPP registries through X-Road, the fee is paid through the PNPE and the agreement is sealed by the PKI."))</p>
            <p>\(t("Pièces à fournir (PDF)", "Documents to provide (PDF)")) :</p><ul>\(documents)</ul>
            <p>\(t("Frais d'étude", "Fee")) : \(Notifier.francs(definition.fee.amount)) <small>(\(t("illustratif", "illustrative")))</small></p>
            \(DossierSections.error(error))
            <form method="post" action="\(t.link("/demandes"))">
            \(fields(form, definition: definition, t: t))
            <button>\(t("Enregistrer le brouillon", "Save the draft"))</button>
            </form>
            <p><small>\(t("Essai : DÉMO TÉLÉCOM SARL, RCCM RB/COT/24 B 00042, IFU 3202400004218, NPI 1000000042 (données fictives).", "Try: DÉMO TÉLÉCOM SARL, RCCM RB/COT/24 B 00042, IFU 3202400004218, NPI 1000000042 (invented data)."))</small></p>
            """
        return PageLayout.render(title: t("Nouvelle demande", "New request"), language: language, body: body)
    }

    static func fields(_ form: ApplicationForm, definition: ServiceDefinition, t: Words) -> String {
        func input(_ name: String, _ label: String, _ value: String?, type: String = "text", placeholder: String) -> String {
            "<label>\(label.htmlEscaped)<input type=\"\(type)\" name=\"\(name)\" value=\"\((value ?? "").htmlEscaped)\" placeholder=\"\(placeholder.htmlEscaped)\"></label>"
        }
        let options = definition.serviceTypes.map {
            "<option value=\"\($0.code)\"\(form.serviceType == $0.code ? " selected" : "")>\($0.label(t.language).htmlEscaped)</option>"
        }.joined()
        return """
            <fieldset><legend>\(t("Entreprise et représentant", "Company and representative"))</legend>
            \(input("rccm", t("Numéro RCCM", "RCCM number"), form.rccm, placeholder: "RB/COT/24 B 00042"))
            \(input("ifu", "IFU", form.ifu, placeholder: "3202400004218"))
            \(input("representativeNpi", t("NPI du représentant", "Representative's NPI"), form.representativeNpi, placeholder: "1000000042"))
            \(input("phone", t("Téléphone", "Phone"), form.phone, type: "tel", placeholder: "+229 01 97 00 00 42"))
            \(input("email", t("Courriel", "E-mail"), form.email, type: "email", placeholder: "contact@demo-telecom.bj"))
            </fieldset>
            <fieldset><legend>\(t("Service", "Service"))</legend>
            <label>\(t("Type de service", "Service type"))<select name="serviceType"><option value="">—</option>\(options)</select></label>
            \(input("communes", t("Communes desservies (séparées par des virgules)", "Communes covered (comma-separated)"), form.communes?.joined(separator: ", "), placeholder: "Cotonou, Abomey-Calavi"))
            \(input("upstreamProviders", t("Fournisseurs amont (séparés par des virgules)", "Upstream providers (comma-separated)"), form.upstreamProviders?.joined(separator: ", "), placeholder: "Opérateur A, Opérateur B"))
            \(input("capacityMbps", t("Capacité amont (Mbit/s)", "Upstream capacity (Mbit/s)"), form.capacityMbps.map(String.init), type: "number", placeholder: "1000"))
            </fieldset>
            """
    }

    static func dossier(_ dossier: Dossier, service: AgrementService, language: Language, error: String? = nil) -> String {
        let t = Words(language: language)
        let application = dossier.application
        let base = "/demandes/\(application.id)"
        let editable = application.status == .draft || application.status == .sendBack
        var body = DossierSections.header(application, t: t) + DossierSections.error(error)
        body += "<p><small>\(t("Gardez l'adresse de cette page : elle donne accès à votre demande.", "Keep this page's address: it gives access to your request.")) <code>\(application.id)</code></small></p>"
        if editable {
            body += "<form method=\"post\" action=\"\(t.link(base))\">\(fields(application.form, definition: service.definition, t: t))<button>\(t("Enregistrer", "Save"))</button></form>"
            body += DossierSections.documents(dossier, definition: service.definition, t: t, uploadAction: base + "/documents")
            body += "<form method=\"post\" action=\"\(t.link(base + "/soumettre"))\"><button><strong>\(t("Soumettre la demande", "Submit the request"))</strong></button></form>"
        } else {
            body += DossierSections.summary(application, definition: service.definition, t: t)
            body += DossierSections.documents(dossier, definition: service.definition, t: t, uploadAction: nil)
        }
        body += DossierSections.checks(dossier, service: service, t: t, retryAction: base + "/controles")
        if application.number != nil { body += DossierSections.fee(dossier, definition: service.definition, t: t, payAction: base + "/paiement") }
        body += DossierSections.decision(dossier, t: t)
        if !dossier.messages.isEmpty {
            body += "<p><a href=\"\(t.link("/messages"))\">\(dossier.messages.count) \(t("message(s) envoyé(s) pour cette demande", "message(s) sent about this request"))</a></p>"
        }
        if application.status == .pending && dossier.openPayment != nil { body += "<meta http-equiv=\"refresh\" content=\"5\">" }
        return PageLayout.render(title: application.number ?? t("Brouillon", "Draft"), language: language, body: body)
    }
}
