import Foundation
import HTTPTypes

/// What a payer can do: answer a push on their phone with a PIN, or press a sandbox button on the
/// checkout page. Shared by the HTML pages and their JSON twins under `/v1/test_helpers/`.
extension PaymentPlatform {
    enum CheckoutAction: String, CaseIterable {
        case approve, decline, expire, cancel
        case insufficientFunds = "insufficient_funds"
    }

    /// Answers a USSD-style prompt: any 4-digit PIN approves, `0000` is a wrong PIN (`invalid_pin`).
    func answerPrompt(payment: Payment, msisdn: MSISDN, approve: Bool, pin: String?) throws -> Payment {
        guard let merchant = try merchant(id: payment.merchantID) else { throw PNPEError.notFound("merchant", payment.merchantID) }
        guard payment.status == .processing, payment.payer?.msisdn == msisdn.value else {
            throw PNPEError(.conflict, code: "no_pending_prompt", message: "payment \(payment.id) is not waiting for \(msisdn.value) to answer", param: "payment_id")
        }
        guard approve else { return try force(merchant: merchant, paymentID: payment.id, to: .failed, failureCode: "payment_not_approved", source: "payer") }
        guard let pin, pin.count == 4, pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw PNPEError.invalid("pin", "must be 4 digits (any 4 digits approve in the sandbox; 0000 is a wrong PIN)")
        }
        if pin == "0000" { return try force(merchant: merchant, paymentID: payment.id, to: .failed, failureCode: "invalid_pin", source: "payer") }
        return try force(merchant: merchant, paymentID: payment.id, to: .succeeded, source: "payer")
    }

    /// A sandbox button of the checkout page.
    func simulateCheckout(payment: Payment, action: CheckoutAction) throws -> Payment {
        guard let merchant = try merchant(id: payment.merchantID) else { throw PNPEError.notFound("merchant", payment.merchantID) }
        switch action {
        case .approve: return try force(merchant: merchant, paymentID: payment.id, to: .succeeded, source: "checkout")
        case .decline: return try force(merchant: merchant, paymentID: payment.id, to: .failed, failureCode: "payment_not_approved", source: "checkout")
        case .insufficientFunds: return try force(merchant: merchant, paymentID: payment.id, to: .failed, failureCode: "insufficient_funds", source: "checkout")
        case .expire: return try force(merchant: merchant, paymentID: payment.id, to: .expired, source: "checkout")
        case .cancel: return try cancel(merchant: merchant, paymentID: payment.id)
        }
    }

    /// Where the checkout sends the payer once the payment is final: `return_url` with the payment id and
    /// status added (which the merchant must confirm with a GET or the webhook, never trust).
    static func returnLocation(_ payment: Payment) -> String? {
        guard let url = payment.returnURL, var components = URLComponents(string: url) else { return nil }
        var items = components.queryItems ?? []
        items.append(URLQueryItem(name: "payment_id", value: payment.id))
        items.append(URLQueryItem(name: "status", value: payment.status.rawValue))
        components.queryItems = items
        return components.string
    }
}
