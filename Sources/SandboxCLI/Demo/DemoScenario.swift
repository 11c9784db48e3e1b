import ArgumentParser

/// The stories `sandbox demo` can tell. Companies and people come from `Fixtures/registries/` (invented).
enum DemoScenario: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Submitted, checks pass, the payer approves on the phone simulator, the agent approves, the PKI
    /// confirms the sealed agreement.
    case happy
    /// A company struck off the RCCM: the RCCM check fails, the agent sends the request back.
    case struckOff = "struck-off"
    /// A company in tax arrears: only the IFU check fails, the agent sends the request back.
    case taxArrears = "tax-arrears"
    /// The first payment fails (insufficient funds), a second one succeeds.
    case insufficientFunds = "insufficient-funds"
    /// An agreement withdrawn after issue: the PKI's verification page says so.
    case revokedDocument = "revoked-document"
    /// Every story above, in that order.
    case all

    var stories: [DemoScenario] { self == .all ? DemoScenario.allCases.filter { $0 != .all } : [self] }

    var title: String {
        switch self {
        case .happy: "Parcours nominal / happy path — DÉMO TÉLÉCOM SARL"
        case .struckOff: "Entreprise radiée / struck-off company — SAVANE INTERNET SARL"
        case .taxArrears: "Arriérés d'impôts / tax arrears — ÉTOILE ACCÈS INTERNET SARL"
        case .insufficientFunds: "Solde insuffisant puis paiement réussi / insufficient funds, then paid — BÉNIN FIBRE CONNECT SARL"
        case .revokedDocument: "Agrément retiré après délivrance / agreement withdrawn after issue — ATLANTIQUE WIFI SERVICES SARLU"
        case .all: "all"
        }
    }

    /// The applicant of the story: RCCM number, IFU and the representative's NPI.
    var applicant: (rccm: String, ifu: String, npi: String) {
        switch self {
        case .happy, .all: ("RB/COT/24 B 00042", "3202400004218", "1000000042")
        case .struckOff: ("RB/COT/19 B 04410", "3201904410015", "1000000014")
        case .taxArrears: ("RB/ABC/20 B 01411", "3202001001414", "1000000002")
        case .insufficientFunds: ("RB/COT/23 B 12345", "3202300123411", "1000000001")
        case .revokedDocument: ("RB/ABC/22 B 03118", "3202203118114", "1000000009")
        }
    }
}

/// Where the demo finds each block: a running sandbox's ports (with the offset), or the in-process one.
struct DemoEndpoints: Sendable {
    let eService: String
    let pki: String
    let pnpe: String
    let overview: String

    init(eService: String, pki: String, pnpe: String, overview: String) {
        self.eService = eService
        self.pki = pki
        self.pnpe = pnpe
        self.overview = overview
    }
}
