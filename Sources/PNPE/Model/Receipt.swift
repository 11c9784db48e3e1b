import HTTPTypes
import Foundation

/// The receipt (*quittance*) of a collected payment: what a payer keeps as proof, and what the GovStack
/// payments building block requires (transaction receipting).
public struct Receipt: Sendable, Codable, Equatable {
    public var object = "receipt"
    public var receiptNumber: String
    public var paymentID: String
    public var merchantID: String
    public var merchantName: String
    public var description: String?
    public var merchantReference: String?
    public var amount: Int64
    public var amountRefunded: Int64
    public var currency: String
    public var method: String?
    public var payerMSISDNMasked: String?
    public var providerReference: String?
    public var status: String
    public var paidAt: Date?
    public var illustrative = true

    enum CodingKeys: String, CodingKey {
        case object, description, amount, currency, method, status, illustrative
        case receiptNumber = "receipt_number"
        case paymentID = "payment_id"
        case merchantID = "merchant_id"
        case merchantName = "merchant_name"
        case merchantReference = "merchant_reference"
        case amountRefunded = "amount_refunded"
        case payerMSISDNMasked = "payer_msisdn_masked"
        case providerReference = "provider_reference"
        case paidAt = "paid_at"
    }

    /// - Throws: 409 `not_eligible` when the payment collected nothing.
    init(payment: Payment, merchant: Merchant) throws {
        guard payment.status.collected, let paidAt = payment.succeededAt else {
            throw PNPEError(
                .conflict, code: "not_eligible", message: "payment \(payment.id) is \(payment.status.rawValue): a receipt exists only once a payment succeeded",
                param: "id", extra: ["status": payment.status.rawValue])
        }
        let year = PaymentPlatform.utcCalendar.component(.year, from: paidAt)
        receiptNumber = "Q-\(year)-" + payment.id.dropFirst(4).uppercased()
        paymentID = payment.id
        merchantID = merchant.id
        merchantName = merchant.name
        description = payment.description
        merchantReference = payment.merchantReference
        amount = payment.amount
        amountRefunded = payment.amountRefunded
        currency = payment.currency
        method = payment.method?.rawValue
        payerMSISDNMasked = payment.payer.flatMap { try? MSISDN(parsing: $0.msisdn).masked }
        providerReference = payment.providerReference
        status = payment.status.rawValue
        self.paidAt = paidAt
    }
}

/// Amounts and dates as people in Benin read them.
public enum Formatting {
    /// `25000` → `25 000 FCFA`.
    public static func francs(_ amount: Int64) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(" ") }
            grouped.append(digit)
        }
        return (amount < 0 ? "-" : "") + grouped + " FCFA"
    }

    /// `06/01/2025 10:00 UTC`.
    public static func dateTime(_ date: Date) -> String {
        let parts = PaymentPlatform.utcCalendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d UTC", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}
