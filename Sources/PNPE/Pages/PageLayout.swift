import HTTPTypes
import SandboxCore

/// The frame of every PNPE page: a sandbox banner (nothing here is real money) and a language switch.
enum PageLayout {
    static func render(title: String, language: Language, body: String) -> String {
        let banner = LocalizedText(
            fr: "Bac à sable — aucune somme réelle n'est débitée. Données illustratives.",
            en: "Sandbox — no real money moves. Illustrative data.")
        let other = language == .fr ? "en" : "fr"
        return """
            <!doctype html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title.htmlEscaped)</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:34rem;margin:1.5rem auto;padding:0 1rem;color:#1d2330}
            .banner{background:#fff3cd;border:1px solid #e0c46c;padding:.5rem .75rem;border-radius:6px;font-size:.9rem}
            .amount{font-size:2rem;font-weight:700;white-space:nowrap} .tiles{display:flex;gap:.5rem;flex-wrap:wrap}
            .tile{border:2px solid #ccd;border-radius:8px;padding:.6rem .9rem;cursor:pointer} .tile input{margin-right:.4rem}
            .sandbox{border-top:1px dashed #999;margin-top:1.5rem;padding-top:1rem} button{padding:.5rem .9rem;margin:.2rem;border-radius:6px;border:1px solid #667;cursor:pointer}
            .ussd{background:#111;color:#9f9;font-family:monospace;padding:1rem;border-radius:8px;margin:1rem 0} table{border-collapse:collapse} td{padding:.25rem .6rem;border-bottom:1px solid #eee}
            .status{font-weight:700} small{color:#666}
            </style></head><body>
            <p class="banner">\(banner(language).htmlEscaped) <a href="?lang=\(other)">\(other == "en" ? "English" : "Français")</a></p>
            \(body)
            </body></html>
            """
    }
}
