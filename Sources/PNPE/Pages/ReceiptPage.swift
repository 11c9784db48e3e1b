import HTTPTypes
import SandboxCore

/// The receipt (*quittance*) as a page to print.
enum ReceiptPage {
    static func render(_ receipt: Receipt, language: Language) -> String {
        let t = { (fr: String, en: String) in LocalizedText(fr: fr, en: en)(language) }
        var rows: [(String, String)] = [
            (t("N° de quittance", "Receipt number"), receipt.receiptNumber),
            (t("Bénéficiaire", "Payee"), receipt.merchantName),
            (t("Objet", "Purpose"), receipt.description ?? "—"),
            (t("Référence", "Reference"), receipt.merchantReference ?? "—"),
            (t("Montant", "Amount"), Formatting.francs(receipt.amount)),
            (t("Moyen de paiement", "Method"), receipt.method.flatMap(PaymentMethod.init(rawValue:))?.displayName ?? "—"),
            (t("Payeur", "Payer"), receipt.payerMSISDNMasked ?? "—"),
            (t("Référence opérateur", "Operator reference"), receipt.providerReference ?? "—"),
            (t("Payé le", "Paid on"), receipt.paidAt.map(Formatting.dateTime) ?? "—"),
            (t("Paiement", "Payment"), receipt.paymentID),
        ]
        if receipt.amountRefunded > 0 { rows.append((t("Remboursé", "Refunded"), Formatting.francs(receipt.amountRefunded))) }
        let table = rows.map { "<tr><td>\($0.0.htmlEscaped)</td><td><strong>\($0.1.htmlEscaped)</strong></td></tr>" }.joined()
        return PageLayout.render(
            title: t("Quittance", "Receipt") + " " + receipt.receiptNumber, language: language,
            body: """
                <h1>\(t("Quittance de paiement", "Payment receipt").htmlEscaped)</h1>
                <p class="amount">\(Formatting.francs(receipt.amount).htmlEscaped)</p>
                <table>\(table)</table>
                <p><small>\(t("Document illustratif émis par le bac à sable PNPE ; il n'a aucune valeur légale.", "Illustrative document issued by the PNPE sandbox; it has no legal value.").htmlEscaped)</small></p>
                """)
    }
}
