import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// HTML answers and the redirects after a form is posted (303, so a reload does not post again).
enum PageResponse {
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// Words in the page's language, and local links that keep it.
struct Words {
    let language: Language
    func callAsFunction(_ fr: String, _ en: String) -> String { language == .fr ? fr : en }
    /// `path`, with `?lang=en` when the page is in English.
    func link(_ path: String) -> String { language == .fr ? path : path + (path.contains("?") ? "&" : "?") + "lang=en" }
}

/// The frame of every page: a banner saying this is a sandbox, the navigation and a language switch.
enum PageLayout {
    static func render(title: String, language: Language, body: String) -> String {
        let t = Words(language: language)
        let other = language == .fr ? "en" : "fr"
        return """
            <!doctype html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title.htmlEscaped) — Agrément FAI</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;color:#1d2330;line-height:1.45}
            nav a{margin-right:1rem} .banner{background:#fff3cd;border:1px solid #e0c46c;padding:.5rem .75rem;border-radius:6px;font-size:.9rem}
            table{border-collapse:collapse;width:100%} td,th{padding:.35rem .6rem;border-bottom:1px solid #e4e4ea;text-align:left;vertical-align:top}
            .PASSED,.APPROVED,.succeeded{color:#13733a;font-weight:600} .FAILED,.REJECTED,.failed,.expired,.canceled{color:#b3261e;font-weight:600}
            .ERROR,.SENDBACK{color:#9a5b00;font-weight:600} .PENDING,.processing,.pending{color:#1e4fb3;font-weight:600}
            .alert{border:1px solid #b3261e;background:#fdecea;padding:.6rem .8rem;border-radius:6px} .ok{border:1px solid #13733a;background:#e8f5ec;padding:.6rem .8rem;border-radius:6px}
            fieldset{border:1px solid #d5d5de;border-radius:8px;margin:1rem 0} label{display:block;margin:.4rem 0}
            input[type=text],input[type=email],input[type=tel],input[type=number],input[type=password],select,textarea{width:100%;padding:.4rem;box-sizing:border-box}
            button{padding:.45rem .9rem;margin:.2rem 0;border-radius:6px;border:1px solid #667;cursor:pointer;background:#f5f5fa}
            code{background:#f4f4f4;padding:.1rem .3rem;word-break:break-all} small{color:#666}
            </style></head><body>
            <p class="banner">\(t("Bac à sable — démarche et données illustratives, aucun message n'est réellement envoyé.", "Sandbox — illustrative procedure and data; no message is really sent.").htmlEscaped) <a href="?lang=\(other)">\(other == "en" ? "English" : "Français")</a></p>
            <nav><a href="\(t.link("/"))">\(t("Accueil", "Home"))</a><a href="\(t.link("/agents/dossiers"))">\(t("Espace agents", "Back office"))</a><a href="\(t.link("/messages"))">\(t("Messages envoyés", "Outbox"))</a></nav>
            \(body)
            </body></html>
            """
    }
}
