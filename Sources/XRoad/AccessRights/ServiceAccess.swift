import Foundation

/// The provider security server's checks, in the implementation's order (`verifyAccess`): does the
/// service exist, is it of the right type, does an access right cover (client, method, normalised path),
/// is it enabled. Access is checked only here, never on the consumer's side.
extension Topology {
    /// The service and the access right that lets `client` make this REST call.
    /// - Throws: ``XRoadFault`` `Server.ServerProxy.UnknownService`, `.ServiceType`, `.AccessDenied` or
    ///   `.ServiceDisabled`, each with an explanation naming the rights that were evaluated.
    public func authorizeREST(client: XRoadClientID, service id: XRoadServiceID, method: String, servicePath: String)
        throws(XRoadFault) -> (service: Service, right: AccessRight)
    {
        guard let service = service(id) else {
            let known = services.filter { $0.id.provider == id.provider }.map(\.id.serviceCode)
            throw XRoadFault(.serverProxy("UnknownService"), "Unknown service: \(id)", explain: .unknownService(id, known: known))
        }
        guard service.type.isREST else {
            throw XRoadFault(.serverProxy("ServiceType"), "Service type is not REST: \(id)", explain: .serviceType(id, type: service.type))
        }
        let candidates = accessRights.filter { $0.subject == client && $0.service == service.id }
        guard let path = RequestPath.normalize(servicePath),
            let right = candidates.first(where: { $0.endpoint.matches(method: method, normalizedPath: path) })
        else {
            throw XRoadFault(
                .serverProxy("AccessDenied"), "Request is not allowed: \(id)",
                explain: .accessDenied(client, id, method: method, path: RequestPath.normalize(servicePath) ?? servicePath, evaluated: candidates.map(\.endpoint)))
        }
        guard service.enabled else {
            throw XRoadFault(.serverProxy("ServiceDisabled"), "Service \(id) is disabled: \(service.disabledNotice)", explain: .serviceDisabled(id, notice: service.disabledNotice))
        }
        return (service, right)
    }
}

extension XRoadFault.Explanation {
    static func unknownService(_ id: XRoadServiceID, known: [String]) -> Self {
        let list = known.isEmpty ? "aucun / none" : known.joined(separator: ", ")
        return .init(
            french: "Le fournisseur \(id.provider) ne publie pas de service '\(id.serviceCode)'. Services publiés : \(list). Vérifiez le code (sensible à la casse) ou GET /r1/…/listMethods.",
            english: "Provider \(id.provider) publishes no service '\(id.serviceCode)'. Published: \(list). Check the code (case-sensitive) or GET /r1/…/listMethods.")
    }

    static func serviceType(_ id: XRoadServiceID, type: Topology.ServiceType) -> Self {
        .init(
            french: "\(id) est un service \(type.rawValue) (SOAP) : appelez-le en POST SOAP sur / avec un en-tête X-Road SOAP, pas en REST /r1/. Son WSDL : GET /wsdl?…",
            english: "\(id) is a \(type.rawValue) (SOAP) service: call it with a SOAP POST on / and an X-Road SOAP header, not REST /r1/. Its WSDL: GET /wsdl?…")
    }

    static func accessDenied(_ client: XRoadClientID, _ id: XRoadServiceID, method: String, path: String, evaluated: [EndpointPattern]) -> Self {
        if evaluated.isEmpty {
            return .init(
                french: "\(client) n'a aucun droit d'accès à \(id). Le propriétaire du service doit l'accorder (API d'administration du serveur de sécurité fournisseur : …/service-clients).",
                english: "\(client) has no access right on \(id). The service's owner must grant it (provider security server admin API: …/service-clients).")
        }
        let rules = evaluated.map(\.description).joined(separator: " ; ")
        return .init(
            french: "\(method) \(path) n'est couvert par aucun droit de \(client) sur \(id). Droits évalués (chemin normalisé) : \(rules).",
            english: "\(method) \(path) is covered by none of \(client)'s rights on \(id). Rights evaluated (normalised path): \(rules).")
    }

    static func serviceDisabled(_ id: XRoadServiceID, notice: String) -> Self {
        .init(
            french: "Le service \(id) est désactivé par son propriétaire (message : « \(notice) »). Réessayez plus tard ou demandez sa réactivation (PUT /api/v1/service-descriptions/{id}/enable).",
            english: "Service \(id) is disabled by its owner (notice: \"\(notice)\"). Retry later or ask for it to be enabled (PUT /api/v1/service-descriptions/{id}/enable).")
    }
}
