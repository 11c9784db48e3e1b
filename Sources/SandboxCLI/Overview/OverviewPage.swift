import Foundation
import SandboxCore

/// The page at `http://localhost:4000/`: the blocks, their state and where to start.
enum OverviewPage {
    static func render(language: Language, blocks: [OverviewRouter.BlockHealth]) -> String {
        let text = Texts(language: language)
        let rows = blocks.map { block in
            let state = block.status == "ok" ? "✓ \(text.running)" : "✗ \(block.status)"
            return "<tr><td>\(block.name.htmlEscaped)</td><td><a href=\"\(block.url.htmlEscaped)\">\(block.url.htmlEscaped)</a></td><td>\(state.htmlEscaped)</td></tr>"
        }.joined(separator: "\n")
        let pki = blocks.first { $0.name == "pki" }?.url ?? "http://localhost:8090"
        let pnpe = blocks.first { $0.name == "pnpe" }?.url
        let agrement = blocks.first { $0.name == "agrement-fai" }?.url
        return """
            <!doctype html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>Interop Sandbox</title>
            <style>body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}code{background:#f4f4f4;padding:.1rem .3rem}</style>
            </head><body>
            <p><a href="?lang=\(language == .fr ? "en" : "fr")">\(language == .fr ? "English" : "Français")</a></p>
            <h1>Interop Sandbox</h1>
            <p>\(text.intro)</p>
            <table><tr><th>\(text.block)</th><th>URL</th><th>\(text.state)</th></tr>
            \(rows)
            </table>
            <h2>\(text.tryIt)</h2>
            <ul>
            \(agrement.map { "<li><a href=\"\($0)/\">\($0)/</a> — \(text.agrement)</li>" } ?? "")
            <li><a href="\(pki)/pki/v1/ca">\(pki)/pki/v1/ca</a> — \(text.authorities)</li>
            <li><a href="\(pki)/pki/v1/ca/chain.pem">\(pki)/pki/v1/ca/chain.pem</a> — \(text.chain)</li>
            <li><a href="\(pki)/pki/v1/cps">\(pki)/pki/v1/cps</a> — \(text.cps)</li>
            \(pnpe.map { "<li><a href=\"\($0)/v1/test_helpers/scenarios\">\($0)/v1/test_helpers/scenarios</a> — \(text.payers)</li>" } ?? "")
            <li><a href="/health">/health</a> — \(text.health)</li>
            </ul>
            <p><small>\(text.illustrative)</small></p>
            </body></html>
            """
    }

    private struct Texts {
        let language: Language
        var intro: String {
            language == .fr
                ? "Les briques de l'administration électronique du Bénin, émulées hors ligne sur cet ordinateur."
                : "Benin's e-government building blocks, emulated offline on this computer."
        }
        var block: String { language == .fr ? "Brique" : "Block" }
        var state: String { language == .fr ? "État" : "State" }
        var running: String { language == .fr ? "en marche" : "running" }
        var tryIt: String { language == .fr ? "Pour commencer" : "Where to start" }
        var authorities: String { language == .fr ? "les autorités de certification" : "the certificate authorities" }
        var chain: String { language == .fr ? "la chaîne de confiance à donner à openssl (-CAfile)" : "the trust chain to give openssl (-CAfile)" }
        var cps: String { language == .fr ? "la déclaration des pratiques de certification" : "the certification practice statement" }
        var payers: String { language == .fr ? "les payeurs de test de la PNPE (paiements)" : "the PNPE's test payers (payments)" }
        var agrement: String {
            language == .fr
                ? "l'e-service d'exemple : demande d'agrément FAI (contrôles X-Road, frais PNPE, décision scellée par la PKI)"
                : "the sample e-service: ISP agreement request (X-Road checks, PNPE fee, decision sealed by the PKI)"
        }
        var health: String { language == .fr ? "l'état de chaque brique, en JSON" : "each block's state, as JSON" }
        var illustrative: String {
            language == .fr
                ? "Toutes les données et tous les certificats sont fictifs et sans valeur juridique."
                : "All data and certificates are invented and have no legal value."
        }
    }
}
