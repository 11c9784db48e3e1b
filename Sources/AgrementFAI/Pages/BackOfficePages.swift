import Foundation
import SandboxCore

/// The agents' pages: login, the queue, one file with its decision form.
enum BackOfficePages {
    static func login(language: Language, error: String? = nil) -> String {
        let t = Words(language: language)
        let body = """
            <h1>\(t("Espace agents ARCEP", "ARCEP back office"))</h1>\(DossierSections.error(error))
            <form method="post" action="\(t.link("/agents/connexion"))">
            <label>\(t("Identifiant", "Login"))<input type="text" name="login" autocomplete="username"></label>
            <label>\(t("Mot de passe", "Password"))<input type="password" name="password" autocomplete="current-password"></label>
            <button>\(t("Se connecter", "Log in"))</button></form>
            <p><small>\(t("Agents illustratifs dans Fixtures/agrement-fai.json (ex. instructeur / agrement-demo).", "Illustrative agents in Fixtures/agrement-fai.json (e.g. instructeur / agrement-demo)."))</small></p>
            """
        return PageLayout.render(title: t("Connexion", "Log in"), language: language, body: body)
    }

    static func queue(_ applications: [Application], agent: ServiceDefinition.Agent, language: Language) -> String {
        let t = Words(language: language)
        let rows = applications.map { application in
            """
            <tr><td><a href="\(t.link("/agents/dossiers/\(application.id)"))">\(application.number ?? application.id)</a></td><td>\((application.companyName ?? application.form.rccm ?? "").htmlEscaped)</td>\
            <td class="\(application.status.rawValue)">\(application.status.rawValue)</td><td>\(application.updatedAt.formatted(.iso8601))</td></tr>
            """
        }.joined()
        let body = """
            <p>\(agent.name.htmlEscaped) · <form method="post" action="\(t.link("/agents/deconnexion"))" style="display:inline"><button>\(t("Se déconnecter", "Log out"))</button></form></p>
            <h1>\(t("Dossiers", "Files"))</h1>
            <table><tr><th>\(t("Dossier", "File"))</th><th>\(t("Entreprise", "Company"))</th><th>\(t("Statut", "Status"))</th><th>\(t("Mis à jour", "Updated"))</th></tr>\(rows)</table>
            """
        return PageLayout.render(title: t("Dossiers", "Files"), language: language, body: body)
    }

    static func file(_ dossier: Dossier, service: AgrementService, agent: ServiceDefinition.Agent, language: Language, error: String? = nil) -> String {
        let t = Words(language: language)
        let application = dossier.application
        let base = "/agents/dossiers/\(application.id)"
        var body = "<p><a href=\"\(t.link("/agents/dossiers"))\">← \(t("Dossiers", "Files"))</a> · \(agent.name.htmlEscaped)</p>"
        body += DossierSections.header(application, t: t) + DossierSections.error(error)
        body += DossierSections.summary(application, definition: service.definition, t: t)
        body += DossierSections.documents(dossier, definition: service.definition, t: t, uploadAction: nil)
        body += DossierSections.checks(dossier, service: service, t: t, retryAction: nil)
        body += DossierSections.fee(dossier, definition: service.definition, t: t, payAction: nil)
        body += DossierSections.decision(dossier, t: t)
        if application.status == .pending {
            let blockers = [dossier.checksPassed ? nil : t("tous les contrôles ne sont pas au vert", "not every check passed"), dossier.feePaid ? nil : t("frais non payés", "fee not paid")].compactMap { $0 }
            body += """
                <h2>\(t("Décision", "Decision"))</h2>
                \(blockers.isEmpty ? "" : "<p><small>\(t("Approbation impossible", "Approval not possible")) : \(blockers.joined(separator: ", "))</small></p>")
                <form method="post" action="\(t.link(base + "/decision"))">
                <label>\(t("Motif (obligatoire pour renvoyer ou rejeter)", "Reason (required to send back or reject)"))<textarea name="reason" rows="3"></textarea></label>
                <button name="action" value="approve">\(t("Approuver", "Approve"))</button>
                <button name="action" value="send_back">\(t("Renvoyer pour complément", "Send back"))</button>
                <button name="action" value="reject">\(t("Rejeter", "Reject"))</button>
                </form>
                """
        }
        body += DossierSections.audit(dossier.audit, t: t)
        return PageLayout.render(title: application.number ?? application.id, language: language, body: body)
    }
}
