import Foundation

/// One attempt at paying the fee through the PNPE. A failed attempt is kept; the next one gets a new
/// payment (the PNPE keeps `merchant_reference` unique, so attempts after the first add `-P2`, `-P3`…).
public struct FeePayment: Sendable, Codable, Equatable {
    public var paymentID: String
    public var applicationID: String
    public var attempt: Int
    public var merchantReference: String
    public var amount: Int64
    /// The PNPE's status: `pending`, `processing`, `succeeded`, `failed`, `expired`, `canceled`…
    public var status: String
    public var checkoutURL: String
    public var failureCode: String?
    /// How the e-service learnt the last status: `create`, `webhook` or `poll` (never `return_url`).
    public var confirmedBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public var isOpen: Bool { status == "pending" || status == "processing" }
    public var isPaid: Bool { status == "succeeded" }
}

/// A signed decision registered at the PKI: the agreement, or the notice of rejection.
public struct Decision: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case agreement = "AGREMENT_FAI"
        case rejection = "AGREMENT_FAI_REJET"
    }
    public var kind: Kind
    public var documentID: String
    /// The canonical JSON that was signed, byte for byte.
    public var json: [UInt8]
    /// The detached CAdES signature (`.p7s`, DER).
    public var signature: [UInt8]
    public var verificationURL: String
    public var qrURL: String
    public var issuedAt: Date
}
