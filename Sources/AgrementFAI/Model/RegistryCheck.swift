import Foundation

/// One automatic check made through X-Road at submission.
public struct RegistryCheck: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The company exists at the RCCM and is active (REST).
        case company = "COMPANY_ACTIVE"
        /// The representative is one of its managers, and alive at the RNPP (REST).
        case representative = "REPRESENTATIVE_IS_MANAGER"
        /// The company is up to date with its taxes at the DGI (SOAP).
        case taxes = "TAXES_UP_TO_DATE"
    }

    public enum Outcome: String, Sendable, Codable {
        /// The registry said yes.
        case passed = "PASSED"
        /// The registry said no: the agent sends the request back or rejects it.
        case failed = "FAILED"
        /// No answer could be had (X-Road or the registry failed): the check can be retried.
        case error = "ERROR"
    }

    public var kind: Kind
    public var outcome: Outcome
    /// What was found, or what went wrong, in plain words.
    public var detail: Bilingual
    /// The `X-Road-Id` of each exchange the check made (the RCCM and the RNPP for the representative).
    public var xroadIds: [String]
    /// The X-Road error code when the exchange failed (`Server.ServerProxy.AccessDenied`…).
    public var errorCode: String?
    public var checkedAt: Date
}
