import Foundation
import SandboxCore

/// The agreement (or the rejection notice) for people: a rendering of the signed JSON, with the QR code
/// and the link to the PKI's public verification page. What is signed is the JSON, not this page.
enum DecisionPage {
    static func render(dossier: Dossier, decision: Decision, definition: ServiceDefinition, language: Language) -> String {
        let t = Words(language: language)
        let application = dossier.application
        let form = application.form
        let approved = decision.kind == .agreement
        let title = approved ? t("Agrément de fournisseur d'accès à Internet", "Internet service provider agreement") : t("Notification de rejet", "Notice of rejection")
        var body = """
            <p><img src="\(decision.qrURL.htmlEscaped)" alt="QR" width="160" height="160" style="float:right"></p>
            <h1>\(title)</h1>
            <p>\(definition.service.authority.htmlEscaped) — \(t("dossier", "file")) <strong>\(application.number ?? "")</strong>, \(decision.issuedAt.formatted(.iso8601))</p>
            <p>\(t("Titulaire", "Holder")) : <strong>\((application.companyName ?? "").htmlEscaped)</strong> (RCCM \(form.rccm?.htmlEscaped ?? ""), IFU \(form.ifu ?? ""))</p>
            """
        if approved {
            body += """
                <p>\(t("Service autorisé", "Authorised service")) : \(form.serviceType.flatMap { definition.serviceType($0)?.label(language) }?.htmlEscaped ?? "") — \
                \(t("communes", "communes")) : \((form.communes ?? []).joined(separator: ", ").htmlEscaped) — \(t("capacité amont", "upstream capacity")) : \(form.capacityMbps ?? 0) Mbit/s</p>
                """
        } else {
            body += "<p class=\"alert\">\(t("Motif", "Reason")) : \((application.reason ?? "").htmlEscaped)</p>"
        }
        body += """
            <div style="clear:both"></div>
            <p>\(t("Ce document est scellé électroniquement par l'ARCEP (CAdES-B-T). Vérifiez-le", "This document is electronically sealed by ARCEP (CAdES-B-T). Verify it")) : \
            <a href="\(decision.verificationURL.htmlEscaped)">\(decision.verificationURL.htmlEscaped)</a></p>
            <p><small>\(t("Document illustratif produit par un bac à sable, sans valeur juridique.", "Illustrative document produced by a sandbox; no legal value."))</small></p>
            """
        return PageLayout.render(title: title, language: language, body: body)
    }
}
