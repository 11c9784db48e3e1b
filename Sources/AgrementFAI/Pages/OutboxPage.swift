import Foundation
import SandboxCore

/// `/messages`: every e-mail and SMS the e-service would have sent, newest first.
enum OutboxPage {
    static func render(_ messages: [OutboxMessage], language: Language) -> String {
        let t = Words(language: language)
        let rows = messages.map { message in
            """
            <tr><td>\(message.createdAt.formatted(.iso8601))</td><td>\(message.channel == .email ? "✉️" : "📱") \(message.recipient.htmlEscaped)</td>\
            <td><strong>\(message.subject.htmlEscaped)</strong><br><small style="white-space:pre-wrap">\(message.body.htmlEscaped)</small><br>\
            <a href="\(t.link("/demandes/\(message.applicationID)"))">\(t("la demande", "the request"))</a></td></tr>
            """
        }.joined()
        let body = """
            <h1>\(t("Messages envoyés", "Outbox"))</h1>
            <p>\(t("Courriels et SMS que l'e-service aurait envoyés. Rien ne quitte cet ordinateur.", "E-mails and SMS the e-service would have sent. Nothing leaves this computer."))</p>
            <table><tr><th>\(t("Quand", "When"))</th><th>\(t("À", "To"))</th><th>Message</th></tr>\(rows)</table>
            """
        return PageLayout.render(title: t("Messages envoyés", "Outbox"), language: language, body: body)
    }
}
