import Foundation

/// The sandbox's explanations of X-Road faults: what happened, in the trainee's terms, and what to change.
/// They go in the `X-Sandbox-Explain` header only; bodies stay exactly as the real implementation's.
extension XRoadFault.Explanation {
    static func uriTooLong(_ length: Int) -> Self {
        .init(
            french: "L'URI fait \(length) caractères. X-Road recommande de rester sous 2 000 : passez les gros paramètres dans le corps d'un POST.",
            english: "The URI is \(length) characters long. X-Road recommends staying under 2,000: send large parameters in a POST body.")
    }

    static func malformedServicePath(_ path: String) -> Self {
        .init(
            french: "Le chemin doit être /r1/INSTANCE/CLASSE/MEMBRE/SOUS-SYSTÈME/SERVICE[/chemin] : les cinq parties sont obligatoires en REST (reçu : \(path.prefix(200))).",
            english: "The path must be /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/path]: REST needs all five parts (got: \(path.prefix(200))).")
    }

    static let missingClientHeader = Self(
        french: "L'en-tête X-Road-Client manque. Ajoutez X-Road-Client: INSTANCE/CLASSE/MEMBRE/SOUS-SYSTÈME, le sous-système de votre application enregistré sur CE serveur de sécurité.",
        english: "The X-Road-Client header is missing. Add X-Road-Client: INSTANCE/CLASS/MEMBER/SUBSYSTEM, your application's subsystem registered on THIS security server.")

    static func malformedClientHeader(_ reason: String) -> Self {
        .init(
            french: "X-Road-Client illisible : \(reason). Forme attendue : INSTANCE/CLASSE/MEMBRE[/SOUS-SYSTÈME], chaque partie encodée séparément.",
            english: "X-Road-Client cannot be read: \(reason). Expected INSTANCE/CLASS/MEMBER[/SUBSYSTEM], each part percent-encoded on its own.")
    }

    /// The most common mistake: calling a security server the client is not registered on.
    static func unknownMember(_ client: XRoadClientID, thisServer: String, registeredOn: [String]) -> Self {
        if registeredOn.isEmpty {
            return .init(
                french: "Le client \(client) n'est enregistré sur aucun serveur de sécurité de l'instance. Vérifiez l'orthographe (sensible à la casse) ou ajoutez-le par l'API d'administration de \(thisServer).",
                english: "Client \(client) is registered on no security server of the instance. Check the spelling (case-sensitive) or add it through \(thisServer)'s admin API.")
        }
        let servers = registeredOn.joined(separator: ", ")
        return .init(
            french: "Le client \(client) est enregistré sur \(servers), pas sur \(thisServer). Une application appelle TOUJOURS le serveur de sécurité de sa propre organisation : envoyez la requête à \(servers).",
            english: "Client \(client) is registered on \(servers), not on \(thisServer). An application ALWAYS calls its own organisation's security server: send the request to \(servers).")
    }
}

extension XRoadFault.Explanation {
    /// A client added through the admin API but not registered yet (or being unregistered).
    static func clientNotRegistered(_ client: XRoadClientID, status: String, thisServer: String) -> Self {
        .init(
            french: "Le client \(client) existe sur \(thisServer) mais son statut est \(status) : il ne peut appeler qu'une fois enregistré. PUT /api/v1/clients/\(client.adminID)/register sur l'API d'administration de \(thisServer).",
            english: "Client \(client) exists on \(thisServer) but its status is \(status): it may call only once registered. PUT /api/v1/clients/\(client.adminID)/register on \(thisServer)'s admin API.")
    }

    static func noSigningKey(_ member: XRoadClientID) -> Self {
        .init(
            french: "Ce serveur de sécurité n'a pas de clé de signature pour \(member) : relancez-le pour qu'il la demande à la PKI.",
            english: "This security server has no signing key for \(member): restart it so that it enrols one with the PKI.")
    }

    static func unknownProvider(_ service: XRoadServiceID, members: [XRoadClientID]) -> Self {
        .init(
            french: "Aucun serveur de sécurité n'héberge \(service.provider). Vérifiez l'identifiant du service (instance/classe/membre/sous-système, sensibles à la casse) ; GET /listClients liste ceux qui existent.",
            english: "No security server hosts \(service.provider). Check the service identifier (instance/class/member/subsystem, case-sensitive); GET /listClients lists those that exist.")
    }

    static func invalidSecurityServer(_ requested: String, hosts: [String]) -> Self {
        .init(
            french: "X-Road-Security-Server « \(requested.prefix(100)) » n'héberge pas ce fournisseur. Serveurs possibles : \(hosts.joined(separator: ", ")), ou retirez l'en-tête.",
            english: "X-Road-Security-Server '\(requested.prefix(100))' does not host this provider. Possible servers: \(hosts.joined(separator: ", ")), or drop the header.")
    }

    static let bodyTooLarge = Self(
        french: "Le corps dépasse 16 Mio. Découpez l'envoi ou transmettez un lien.",
        english: "The body exceeds 16 MiB. Split it or send a link instead.")

    static func unreachablePeer(_ name: String, url: String?) -> Self {
        .init(
            french: "Le serveur de sécurité fournisseur \(name) ne répond pas\(url.map { " (\($0))" } ?? ""). Est-il démarré ? (sandbox up, ou sandbox serve security-server \(name))",
            english: "The provider's security server \(name) does not answer\(url.map { " (\($0))" } ?? ""). Is it running? (sandbox up, or sandbox serve security-server \(name))")
    }

    static func inconsistent(_ reason: String) -> Self {
        .init(
            french: "La réponse du serveur fournisseur ne correspond pas à la requête signée (\(reason)). Elle a été modifiée en route, ou signée par le mauvais membre : elle est rejetée.",
            english: "The provider server's response does not match the signed request (\(reason)). It was changed in transit or signed by the wrong member: it is rejected.")
    }
}

extension XRoadFault.Explanation {
    static func loggingFailed(_ reason: String) -> Self {
        .init(
            french: "Le journal des messages n'a pas pu enregistrer l'échange (\(reason)) : X-Road refuse un échange qu'il ne peut pas prouver. Vérifiez le disque et que la PKI (TSA) répond.",
            english: "The message log could not record the exchange (\(reason)): X-Road refuses an exchange it cannot prove. Check the disk and that the PKI (TSA) answers.")
    }
}

extension XRoadFault.Explanation {
    static func tlsFailed(_ peer: String, _ reason: String) -> Self {
        .init(
            french: "La connexion TLS mutuelle avec \(peer) a échoué (\(reason)). Les deux serveurs doivent présenter un certificat d'authentification (xroad-auth) de la même PKI : après un `sandbox init --force`, redémarrez-les tous.",
            english: "Mutual TLS with \(peer) failed (\(reason)). Both servers must present an authentication certificate (xroad-auth) from the same PKI: after `sandbox init --force`, restart them all.")
    }
}
