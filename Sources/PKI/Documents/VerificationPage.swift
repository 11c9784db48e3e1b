import Foundation
import SandboxCore

/// The public page a document's QR code opens: its status in words, who issued it, for whom, and a drop
/// zone that hashes a file in the browser (WebCrypto) and compares it with the registered digest, so the
/// file never leaves the person's computer. French first, English on request.
enum VerificationPage {
    static func render(_ result: DocumentVerification, language: Language) -> String {
        let t = Texts(language)
        let (label, color) = t.status(result.status)
        var rows = ""
        if let document = result.document {
            let dates = ISO8601DateFormatter()
            rows = [
                (t.type, document.type), (t.title, document.title), (t.issuer, document.issuer), (t.holder, document.holder),
                (t.issuedAt, dates.string(from: document.issuedAt)), (t.expiresAt, document.expiresAt.map { dates.string(from: $0) } ?? "—"),
                ("SHA-256", document.digest["value"] ?? ""),
            ].map { "<tr><th>\($0.0.htmlEscaped)</th><td>\($0.1.htmlEscaped)</td></tr>" }.joined(separator: "\n")
        }
        let checks = result.checks.map { check in
            "<li><strong>\(t.check(check.type).htmlEscaped)</strong> — \(check.status.htmlEscaped): \((language == .fr ? check.message : check.messageEn).htmlEscaped)</li>"
        }.joined(separator: "\n")
        var signature = ""
        if let report = result.signatureReport {
            let reasons = (report.errors + report.warnings).map { "<li>\((language == .fr ? $0.message : $0.messageEn).htmlEscaped)</li>" }.joined()
            signature = """
                <h2>\(t.signature)</h2>
                <p><code>\(report.signatureFormat.htmlEscaped)</code> — <strong>\(report.indication.rawValue)</strong>\(report.subIndication.map { " / \($0.rawValue)" } ?? "")</p>
                <ul>\(reasons)</ul>
                <p>\(t.reportHint) <a href="/pki/v1/documents/\(result.documentId.htmlEscaped)/verification">JSON</a></p>
                """
        }
        let expected = result.document?.digest["value"] ?? ""
        let dropZone = result.document == nil ? "" : """
            <h2>\(t.compareTitle)</h2>
            <p>\(t.compareHint)</p>
            <input type="file" id="file" aria-label="\(t.compareTitle)">
            <p id="outcome" role="status"></p>
            <script>
            document.getElementById('file').addEventListener('change', async (event) => {
              const file = event.target.files[0];
              if (!file) return;
              const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
              const hex = Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join('');
              const outcome = document.getElementById('outcome');
              const same = hex === \(jsString(expected));
              outcome.textContent = same ? \(jsString(t.same)) : \(jsString(t.different)) + ' (' + hex + ')';
              outcome.style.color = same ? '#146c2e' : '#b3261e';
            });
            </script>
            """
        return """
            <!doctype html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(t.pageTitle)</title>
            <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45}
            .status{display:inline-block;padding:.4rem .9rem;border-radius:.4rem;color:#fff;font-weight:600;background:\(color)}
            th{text-align:left;padding:.25rem 1rem .25rem 0;vertical-align:top}td{word-break:break-all}small{color:#555}</style>
            </head><body>
            <p><a href="?lang=\(language == .fr ? "en" : "fr")">\(language == .fr ? "English" : "Français")</a></p>
            <h1>\(t.pageTitle)</h1>
            <p class="status" id="status">\(label)</p>
            <p><code>\(result.documentId.htmlEscaped)</code></p>
            <table>\(rows)</table>
            <h2>\(t.checks)</h2>
            <ul>\(checks)</ul>
            \(signature)
            \(dropZone)
            <p><small>\(t.sandbox)</small></p>
            </body></html>
            """
    }

    /// A JavaScript string literal (JSON-encoded, with `<` escaped so it cannot close the script element).
    static func jsString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }

    private struct Texts {
        let french: Bool
        init(_ language: Language) { french = language == .fr }

        var pageTitle: String { french ? "Vérification d'un document" : "Document verification" }
        var type: String { french ? "Type" : "Type" }
        var title: String { french ? "Intitulé" : "Title" }
        var issuer: String { french ? "Émetteur" : "Issuer" }
        var holder: String { french ? "Titulaire" : "Holder" }
        var issuedAt: String { french ? "Délivré le" : "Issued" }
        var expiresAt: String { french ? "Expire le" : "Expires" }
        var checks: String { french ? "Contrôles" : "Checks" }
        var signature: String { french ? "Signature de l'émetteur" : "Issuer's signature" }
        var reportHint: String { french ? "Rapport complet :" : "Full report:" }
        var compareTitle: String { french ? "Comparer avec votre fichier" : "Compare with your file" }
        var compareHint: String {
            french ? "Choisissez le fichier reçu : son empreinte est calculée dans votre navigateur, le fichier n'est pas envoyé."
                : "Choose the file you received: its digest is computed in your browser; the file is not uploaded."
        }
        var same: String { french ? "✓ Identique au document enregistré." : "✓ Identical to the registered document." }
        var different: String { french ? "✗ Ce fichier n'est pas le document enregistré" : "✗ This file is not the registered document" }
        var sandbox: String {
            french ? "Interop Sandbox — données et signatures fictives, sans valeur juridique."
                : "Interop Sandbox — invented data and signatures, no legal value."
        }

        func status(_ status: String) -> (String, String) {
            switch status {
            case "VALID": (french ? "Valide" : "Valid", "#146c2e")
            case "REVOKED": (french ? "Retiré par l'émetteur" : "Withdrawn by the issuer", "#b3261e")
            case "EXPIRED": (french ? "Expiré" : "Expired", "#8a5300")
            case "INVALID": (french ? "Signature non valide" : "Invalid signature", "#b3261e")
            default: (french ? "Inconnu" : "Unknown", "#555555")
            }
        }

        func check(_ type: String) -> String {
            switch type {
            case "DOCUMENT_INTEGRITY": french ? "Intégrité du document" : "Document integrity"
            case "DOCUMENT_STATUS": french ? "Statut du document" : "Document status"
            case "ISSUER_IDENTITY": french ? "Identité de l'émetteur" : "Issuer identity"
            default: type
            }
        }
    }
}
