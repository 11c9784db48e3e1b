import Foundation
import SandboxCore

/// The automatic checks made at submission, through X-Road, with the applicant's NPI as `X-Road-UserId`
/// and the file number as `X-Road-Issue` (so each registry's log says who asked, and for which file):
///
/// - the company exists at the RCCM and is active (REST, `GOV/APIEX/RCCM/companies`);
/// - the representative is one of its managers (from the same RCCM answer) and is alive at the RNPP (REST,
///   `GOV/ANIP/RNPP/persons`);
/// - the company is up to date with its taxes (SOAP, `GOV/DGI/IFU/getTaxpayer` v1).
///
/// A registry's "no" is a `FAILED` check; an exchange that did not work is an `ERROR` in plain words, to
/// retry. The checks never throw: whatever happens is written into the result.
struct RegistryChecks: Sendable {
    let xroad: XRoadClient
    let clock: any SandboxClock

    struct Company: Decodable {
        struct Manager: Decodable {
            let npi: String
            let role: String
        }
        let rccm: String
        let name: String
        let status: String
        let struckOffDate: String?
        let ifu: String?
        let managers: [Manager]
    }

    struct Person: Decodable {
        let npi: String
        let lastName: String
        let firstNames: String
        let status: String
        let deathDate: String?
    }

    /// Runs the checks in `kinds` (all by default) for a submitted request.
    func run(form: ApplicationForm, fileNumber: String, kinds: Set<RegistryCheck.Kind> = Set(RegistryCheck.Kind.allCases)) async -> (checks: [RegistryCheck], companyName: String?) {
        let rccm = form.rccm ?? "", npi = form.representativeNpi ?? "", ifu = form.ifu ?? ""
        let userID = XRoadClient.userID(npi: npi)
        var checks: [RegistryCheck] = []
        var companyName: String?

        if kinds.contains(.company) || kinds.contains(.representative) {
            let lookup = await company(rccm: rccm, userID: userID, issue: fileNumber)
            companyName = lookup.company?.name
            if kinds.contains(.company) { checks.append(lookup.check) }
            if kinds.contains(.representative) {
                checks.append(await representative(npi: npi, lookup: lookup, userID: userID, issue: fileNumber))
            }
        }
        if kinds.contains(.taxes) { checks.append(await taxes(ifu: ifu, rccm: rccm, userID: userID, issue: fileNumber)) }
        return (checks, companyName)
    }

    // MARK: RCCM

    private func company(rccm: String, userID: String, issue: String) async -> (check: RegistryCheck, company: Company?, xroadID: String?) {
        struct Answer: Decodable { let items: [Company] }
        let exchange: XRoadClient.Exchange
        do {
            exchange = try await xroad.rest("GOV/APIEX/RCCM/companies", path: "?rccm=\(UpstreamHTTP.percentEncoded(rccm))", userID: userID, issue: issue)
        } catch {
            return (unreachable(.company, error), nil, nil)
        }
        guard !exchange.isXRoadError, exchange.reply.isSuccess, let answer = exchange.reply.json(Answer.self) else {
            return (failedExchange(.company, exchange, registry: "RCCM"), nil, exchange.xroadID)
        }
        let ids = exchange.xroadID.map { [$0] } ?? []
        guard let company = answer.items.first else {
            return (result(.company, .failed, fr: "Aucune entreprise au RCCM sous le numéro \(rccm).", en: "No company in the RCCM under number \(rccm).", ids), nil, exchange.xroadID)
        }
        guard company.status == "ACTIVE" else {
            let date = company.struckOffDate ?? "?"
            return (
                result(.company, .failed, fr: "\(company.name) est radiée du RCCM (le \(date)).", en: "\(company.name) is struck off the RCCM (on \(date)).", ids),
                company, exchange.xroadID
            )
        }
        return (result(.company, .passed, fr: "\(company.name) est immatriculée et active.", en: "\(company.name) is registered and active.", ids), company, exchange.xroadID)
    }

    // MARK: RNPP

    private func representative(npi: String, lookup: (check: RegistryCheck, company: Company?, xroadID: String?), userID: String, issue: String) async -> RegistryCheck {
        guard let company = lookup.company else {
            let outcome: RegistryCheck.Outcome = lookup.check.outcome == .error ? .error : .failed
            return result(
                .representative, outcome, fr: "Impossible sans la fiche RCCM de l'entreprise.", en: "Not possible without the company's RCCM record.",
                lookup.check.xroadIds, code: lookup.check.errorCode)
        }
        guard let manager = company.managers.first(where: { $0.npi == npi }) else {
            return result(
                .representative, .failed, fr: "La personne au NPI \(npi) n'est pas dirigeante de \(company.name).",
                en: "The person with NPI \(npi) is not a manager of \(company.name).", lookup.check.xroadIds)
        }
        let exchange: XRoadClient.Exchange
        do {
            exchange = try await xroad.rest("GOV/ANIP/RNPP/persons", path: "/\(UpstreamHTTP.percentEncoded(npi))", userID: userID, issue: issue)
        } catch {
            return unreachable(.representative, error)
        }
        let ids = lookup.check.xroadIds + (exchange.xroadID.map { [$0] } ?? [])
        if !exchange.isXRoadError, exchange.reply.status == 404 {
            return result(.representative, .failed, fr: "Le NPI \(npi) est inconnu du RNPP.", en: "NPI \(npi) is not in the RNPP.", ids)
        }
        guard !exchange.isXRoadError, exchange.reply.isSuccess, let person = exchange.reply.json(Person.self) else {
            var check = failedExchange(.representative, exchange, registry: "RNPP")
            check.xroadIds = ids
            return check
        }
        let name = "\(person.firstNames) \(person.lastName)"
        guard person.status == "ALIVE" else {
            return result(
                .representative, .failed, fr: "\(name) (\(manager.role)) est décédé(e) selon le RNPP (\(person.deathDate ?? "?")).",
                en: "\(name) (\(manager.role)) is deceased according to the RNPP (\(person.deathDate ?? "?")).", ids)
        }
        return result(.representative, .passed, fr: "\(name) est \(manager.role) de \(company.name).", en: "\(name) is \(manager.role) of \(company.name).", ids)
    }

    // MARK: IFU (SOAP)

    private func taxes(ifu: String, rccm: String, userID: String, issue: String) async -> RegistryCheck {
        let exchange: XRoadClient.Exchange
        let answer: XMLTreeNode?
        do {
            (exchange, answer) = try await xroad.soap(
                "GOV/DGI/IFU/getTaxpayer", version: "v1", body: "<ifu:getTaxpayer xmlns:ifu=\"http://dgi.sandbox.bj/ifu\"><ifu>\(ifu.htmlEscaped)</ifu></ifu:getTaxpayer>",
                userID: userID, issue: issue)
        } catch {
            return unreachable(.taxes, error)
        }
        guard !exchange.isXRoadError, let answer else { return failedExchange(.taxes, exchange, registry: "IFU") }
        let ids = exchange.xroadID.map { [$0] } ?? []
        guard answer.child("found")?.trimmedText == "true", let taxpayer = answer.child("taxpayer") else {
            return result(.taxes, .failed, fr: "L'IFU \(ifu) est inconnu de la DGI.", en: "IFU \(ifu) is unknown to the tax administration.", ids)
        }
        let name = taxpayer.child("name")?.trimmedText ?? ifu
        if let owner = taxpayer.child("rccm")?.trimmedText, owner != rccm {
            return result(.taxes, .failed, fr: "L'IFU \(ifu) appartient à une autre entreprise (\(owner)).", en: "IFU \(ifu) belongs to another company (\(owner)).", ids)
        }
        if taxpayer.child("status")?.trimmedText != "ACTIVE" {
            return result(.taxes, .failed, fr: "\(name) a cessé son activité auprès de la DGI.", en: "\(name) has ceased trading for the tax administration.", ids)
        }
        let compliance = taxpayer.child("compliance")
        if compliance?.child("status")?.trimmedText != "UP_TO_DATE" {
            let arrears = compliance?.child("arrearsAmount")?.trimmedText ?? "?"
            return result(
                .taxes, .failed, fr: "\(name) n'est pas à jour de ses impôts (arriérés : \(arrears) FCFA).",
                en: "\(name) is not up to date with its taxes (arrears: \(arrears) XOF).", ids)
        }
        let validUntil = compliance?.child("certificateValidUntil")?.trimmedText ?? ""
        if validUntil < String(clock.now().formatted(.iso8601.year().month().day())) {
            return result(
                .taxes, .failed, fr: "L'attestation fiscale de \(name) a expiré (\(validUntil)).", en: "\(name)'s tax certificate has expired (\(validUntil)).", ids)
        }
        let certificate = compliance?.child("certificateNumber")?.trimmedText ?? "?"
        return result(
            .taxes, .passed, fr: "\(name) est à jour (attestation \(certificate), valable jusqu'au \(validUntil)).",
            en: "\(name) is up to date (certificate \(certificate), valid until \(validUntil)).", ids)
    }

    // MARK: Results

    private func result(_ kind: RegistryCheck.Kind, _ outcome: RegistryCheck.Outcome, fr: String, en: String, _ ids: [String], code: String? = nil) -> RegistryCheck {
        RegistryCheck(kind: kind, outcome: outcome, detail: Bilingual(fr: fr, en: en), xroadIds: ids, errorCode: code, checkedAt: clock.now())
    }

    private func unreachable(_ kind: RegistryCheck.Kind, _ error: UpstreamError) -> RegistryCheck {
        result(
            kind, .error, fr: "Le serveur de sécurité de l'ARCEP (\(xroad.securityServerURL)) ne répond pas. Vérifiez qu'il est démarré, puis relancez le contrôle.",
            en: "ARCEP's security server (\(xroad.securityServerURL)) does not answer. Check that it is running, then retry the check.", [], code: "NetworkError")
    }

    /// An exchange X-Road refused or failed, or a registry answer we cannot read, in plain words.
    private func failedExchange(_ kind: RegistryCheck.Kind, _ exchange: XRoadClient.Exchange, registry: String) -> RegistryCheck {
        let ids = exchange.xroadID.map { [$0] } ?? []
        guard let code = exchange.errorCode else {
            return result(
                kind, .error, fr: "Réponse illisible du registre \(registry) (HTTP \(exchange.reply.status)). Relancez le contrôle.",
                en: "Unreadable answer from the \(registry) registry (HTTP \(exchange.reply.status)). Retry the check.", ids, code: "HTTP \(exchange.reply.status)")
        }
        let plain = XRoadErrorWords.explain(code: code)
        let said = exchange.errorMessage.map { " (\(code) : \($0))" } ?? " (\(code))"
        return result(kind, .error, fr: plain.fr + said, en: plain.en + said, ids, code: code)
    }
}
