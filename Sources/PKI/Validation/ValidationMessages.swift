import Foundation

/// The texts of the validation report, French first (the report's `message`), English alongside.
enum ValidationMessages {
    static let texts: [String: (fr: String, en: String)] = [
        "SIGNATURE_NOT_PARSABLE": ("Le fichier n'est ni une signature CAdES (CMS) ni une JWS.", "The file is neither a CAdES (CMS) signature nor a JWS."),
        "SIGNING_CERTIFICATE_NOT_FOUND": ("Le certificat du signataire n'est pas dans la signature.", "The signer's certificate is not in the signature."),
        "SIGNED_DATA_NOT_FOUND": ("Le document signé n'a pas été fourni : joignez-le (originalDocuments) pour vérifier la signature détachée.", "The signed document was not given: add it (originalDocuments) to check a detached signature."),
        "HASH_FAILURE": ("Le document a été modifié depuis la signature : son empreinte ne correspond pas.", "The document changed since it was signed: its digest does not match."),
        "SIG_CRYPTO_FAILURE": ("La valeur de signature ne se vérifie pas avec la clé du certificat.", "The signature value does not verify with the certificate's key."),
        "DIGEST_ALGORITHM_REFUSED": ("Algorithme d'empreinte refusé (SHA-1 ou inconnu).", "Digest algorithm refused (SHA-1 or unknown)."),
        "NO_CERTIFICATE_CHAIN_FOUND": ("Aucune chaîne vers une racine de confiance : le signataire ne dépend pas de l'AC du bac à sable.", "No chain to a trusted root: the signer does not chain to the sandbox CA."),
        "CERTIFICATE_OUT_OF_VALIDITY": ("Le certificat n'était pas valide au moment du contrôle, et aucun horodatage ne prouve une signature antérieure.", "The certificate was not valid at the time checked, and no timestamp proves an earlier signature."),
        "CERTIFICATE_VALID_AT_TIMESTAMP": ("Certificat hors validité aujourd'hui, mais valide à la date prouvée par l'horodatage.", "Certificate out of validity now, but valid at the time proven by the timestamp."),
        "CHAIN_CONSTRAINTS_FAILURE": ("La chaîne de certificats ne respecte pas ses contraintes.", "The certificate chain does not meet its constraints."),
        "KEY_USAGE": ("Le certificat du signataire n'autorise pas la signature (digitalSignature ou nonRepudiation).", "The signer's certificate does not allow signing (digitalSignature or nonRepudiation)."),
        "REVOKED_NO_POE": ("Le certificat du signataire est révoqué et rien ne prouve que la signature est antérieure à la révocation.", "The signer's certificate is revoked and nothing proves the signature predates the revocation."),
        "REVOKED": ("Le certificat du signataire était déjà révoqué à la date de l'horodatage.", "The signer's certificate was already revoked at the timestamp's time."),
        "REVOKED_AFTER_TIMESTAMP": ("Certificat révoqué après la signature : l'horodatage prouve que la signature est antérieure.", "Certificate revoked after signing: the timestamp proves the signature came first."),
        "REVOKED_CA_NO_POE": ("Un certificat d'AC de la chaîne est révoqué.", "A CA certificate of the chain is revoked."),
        "REVOCATION_UNKNOWN": ("Statut de révocation inconnu : réessayez plus tard.", "Revocation status unknown: try later."),
        "TIMESTAMP_HASH_FAILURE": ("L'horodatage ne porte pas sur cette valeur de signature.", "The timestamp does not cover this signature value."),
        "TIMESTAMP_NOT_TRUSTED": ("L'horodatage ne se vérifie pas jusqu'à une racine de confiance.", "The timestamp does not verify up to a trusted root."),
        "NOT_QUALIFIED": ("Certificat de bac à sable : non qualifié, sans valeur juridique.", "Sandbox certificate: not qualified, no legal value."),
        "DIGEST_ONLY": ("Seule l'empreinte du document a été vérifiée, pas le document lui-même.", "Only the document's digest was checked, not the document itself."),
    ]

    static func message(_ key: String) -> ReportMessage {
        let text = texts[key] ?? (key, key)
        return ReportMessage(key: key, message: text.fr, messageEn: text.en)
    }
}
