import HTTPTypes
/// The payment state machine (reference §3.3). Settlement is a separate axis (``Settlement``), so that
/// "paid out to the merchant" never overloads the payment's own status.
public enum PaymentStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case processing
    case succeeded
    case failed
    case expired
    case canceled
    case partiallyRefunded = "partially_refunded"
    case refunded

    /// The states this one may move to. `failed` is reachable from `pending` because a collect to an
    /// unknown payer fails at once; a forced success from `pending` passes through `processing`.
    public var allowedNext: Set<PaymentStatus> {
        switch self {
        case .pending: [.processing, .failed, .expired, .canceled]
        case .processing: [.succeeded, .failed, .expired, .canceled]
        case .succeeded: [.partiallyRefunded, .refunded]
        case .partiallyRefunded: [.partiallyRefunded, .refunded]
        case .failed, .expired, .canceled, .refunded: []
        }
    }

    public func canMove(to next: PaymentStatus) -> Bool { allowedNext.contains(next) }

    public var isTerminal: Bool { allowedNext.isEmpty }

    /// Money was collected: the payment counts in balances, reports and settlements.
    public var collected: Bool { self == .succeeded || self == .partiallyRefunded || self == .refunded }
}

/// The mobile-money methods of Benin's operators.
public enum PaymentMethod: String, Sendable, Codable, CaseIterable {
    case mtnMomo = "mtn_momo"
    case moovMoney = "moov_money"
    case celtiisCash = "celtiis_cash"

    public var operatorCode: String {
        switch self {
        case .mtnMomo: "mtn"
        case .moovMoney: "moov"
        case .celtiisCash: "celtiis"
        }
    }

    /// The name on the checkout tiles and the payer's phone.
    public var displayName: String {
        switch self {
        case .mtnMomo: "MTN MoMo"
        case .moovMoney: "Moov Money"
        case .celtiisCash: "Celtiis Cash"
        }
    }

    static func parse(_ text: String, param: String) throws -> PaymentMethod {
        guard let method = PaymentMethod(rawValue: text) else {
            throw PNPEError(
                .badRequest, code: "method_not_allowed",
                message: "\(param): unknown method \(text.prefix(40)); use one of \(allCases.map(\.rawValue).joined(separator: ", "))",
                param: param)
        }
        return method
    }
}
