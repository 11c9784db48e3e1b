import Foundation
import SandboxCore
import SandboxCrypto

/// The page certificates' CPS qualifier points at: what this CA is, and that nothing it issues is
/// qualified. French first, English on request.
enum PracticeStatementPage {
    static func render(language: Language, trust: TrustMaterial, profiles: ProfileCatalogue) -> String {
        let french = language == .fr
        let title = french ? "Déclaration des pratiques de certification — bac à sable" : "Certification practice statement — sandbox"
        let intro = french
            ? "Cette autorité de certification est celle d'Interop Sandbox, un environnement d'apprentissage hors ligne. Ses certificats ne sont pas qualifiés au sens du Code du numérique (loi n° 2017-20) et n'ont aucune valeur juridique. Les profils et identifiants de politique (arc d'exemple 2.999) sont illustratifs."
            : "This certificate authority belongs to Interop Sandbox, an offline learning environment. Its certificates are not qualified under Benin's Digital Code (law 2017-20) and have no legal value. Profiles and policy identifiers (example arc 2.999) are illustrative."
        let rows = trust.certificatesByID.map { id, certificate in
            "<tr><td>\(id.htmlEscaped)</td><td>\(certificate.subject.description.htmlEscaped)</td><td><code>\(certificate.fingerprintSHA256)</code></td></tr>"
        }.joined(separator: "\n")
        let profileRows = profiles.names.compactMap { profiles[$0] }.map { profile in
            "<tr><td>\(profile.name.htmlEscaped)</td><td>\(profile.description.htmlEscaped)</td><td>\(profile.policyOID)</td></tr>"
        }.joined(separator: "\n")
        let other = french ? "<a href=\"?lang=en\">English</a>" : "<a href=\"?lang=fr\">Français</a>"
        return """
            <!doctype html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>\(title)</title>
            <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}code{font-size:.8rem}</style>
            </head><body>
            <p>\(other)</p>
            <h1>\(title)</h1>
            <p>\(intro)</p>
            <h2>\(french ? "Certificats de l'autorité" : "Authority certificates")</h2>
            <table><tr><th>id</th><th>\(french ? "Sujet" : "Subject")</th><th>SHA-256</th></tr>
            \(rows)
            </table>
            <h2>\(french ? "Profils" : "Profiles")</h2>
            <table><tr><th>\(french ? "Nom" : "Name")</th><th>Description</th><th>\(french ? "Politique" : "Policy")</th></tr>
            \(profileRows)
            </table>
            <p>\(french ? "Horodatage" : "Time-stamping"): <code>2.999.1.1</code></p>
            </body></html>
            """
    }
}
