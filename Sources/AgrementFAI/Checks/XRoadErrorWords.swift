/// X-Road error codes said in plain words, for the applicant and the agent. The code itself stays beside
/// the words: it is what to search for in X-Road's documentation.
enum XRoadErrorWords {
    static func explain(code: String) -> Bilingual {
        let lower = code.lowercased()
        if lower.contains("accessdenied") || lower.contains("access_denied") {
            return Bilingual(
                fr: "Le registre n'autorise pas l'ARCEP à appeler ce service : un droit d'accès manque sur son serveur de sécurité.",
                en: "The registry does not let ARCEP call this service: an access right is missing on its security server.")
        }
        if lower.contains("servicedisabled") || lower.contains("service_disabled") {
            return Bilingual(fr: "Le service du registre est momentanément désactivé.", en: "The registry's service is disabled for now.")
        }
        if lower.contains("networkerror") || lower.contains("network_error") || lower.contains("ioerror") || lower.contains("timeout") {
            return Bilingual(fr: "Le registre ou son serveur de sécurité ne répond pas.", en: "The registry or its security server does not answer.")
        }
        if lower.contains("unknownmember") || lower.contains("unknownservice") || lower.contains("unknown_") {
            return Bilingual(fr: "X-Road ne connaît pas ce service ou ce client : la configuration est à revoir.", en: "X-Road does not know this service or client: the configuration needs fixing.")
        }
        if lower.contains("certvalidation") || lower.contains("signature") || lower.contains("ssl") {
            return Bilingual(fr: "Un certificat ou une signature de l'échange a été refusé.", en: "A certificate or signature of the exchange was refused.")
        }
        return Bilingual(fr: "L'échange X-Road a échoué.", en: "The X-Road exchange failed.")
    }
}
