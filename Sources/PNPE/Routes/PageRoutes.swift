import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// The pages people read: the hosted checkout and the payer's phone simulator.
struct PageRoutes {
    let platform: PaymentPlatform

    func add(to router: Router<SandboxRequestContext>) {
        router.get("checkout/:token", use: checkout)
        router.post("checkout/:token", use: collect)
        router.post("checkout/:token/simulate", use: simulate)
        router.get("payer/:msisdn", use: payer)
        router.post("payer/:msisdn/prompts/:payment", use: answer)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The `:msisdn` path segment, percent-decoded: the pages' own links write `+229…` as `%2B229…`,
    /// which the router leaves encoded.
    static func msisdnParameter(_ context: SandboxRequestContext) -> String {
        let raw = context.parameters.get("msisdn") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    private func payment(_ context: SandboxRequestContext) throws -> (Payment, Merchant)? {
        guard let token = context.parameters.get("token"), Identifier.isSafe(token, maxLength: 64), let payment = try platform.payment(checkoutToken: token),
            let merchant = try platform.merchant(id: payment.merchantID)
        else { return nil }
        return (payment, merchant)
    }

    @Sendable func checkout(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        guard let (payment, merchant) = try payment(context) else { return Self.html(CheckoutPage.notFound(language: request.language), status: .notFound) }
        return Self.html(CheckoutPage.render(payment: payment, merchant: merchant, language: request.language))
    }

    /// The form's submit: the payer chose an operator and typed a number; collect, then show the page again.
    @Sendable func collect(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        guard let (payment, merchant) = try payment(context) else { return Self.html(CheckoutPage.notFound(language: request.language), status: .notFound) }
        let form = try await FormBody.read(request, limit: platform.configuration.maxBodyBytes)
        do {
            let input = CollectInput(
                method: try PaymentMethod.parse(form["method"] ?? "", param: "method"), msisdn: try MSISDN(parsing: form["msisdn"] ?? "", param: "msisdn"))
            _ = try await platform.collect(merchant: merchant, paymentID: payment.id, input: input, override: nil, forced: nil)
        } catch let error as PNPEError {
            let current = (try? platform.payment(id: payment.id, merchantID: merchant.id)) ?? payment
            return Self.html(CheckoutPage.render(payment: current, merchant: merchant, language: request.language, error: error.message), status: error.status)
        }
        return Self.redirect("/checkout/\(payment.checkoutToken)?lang=\(request.language.rawValue)")
    }

    @Sendable func simulate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        guard let (payment, merchant) = try payment(context) else { return Self.html(CheckoutPage.notFound(language: request.language), status: .notFound) }
        let form = try await FormBody.read(request, limit: platform.configuration.maxBodyBytes)
        let updated: Payment
        do {
            guard let action = PaymentPlatform.CheckoutAction(rawValue: form["action"] ?? "") else {
                throw PNPEError.invalid("action", "must be approve, decline, insufficient_funds, expire or cancel")
            }
            updated = try platform.simulateCheckout(payment: payment, action: action)
        } catch let error as PNPEError {
            return Self.html(CheckoutPage.render(payment: payment, merchant: merchant, language: request.language, error: error.message), status: error.status)
        }
        if updated.status != .processing, updated.status != .pending, let location = PaymentPlatform.returnLocation(updated) {
            return Self.redirect(location)
        }
        return Self.redirect("/checkout/\(payment.checkoutToken)?lang=\(request.language.rawValue)")
    }

    private func prompts(_ msisdn: MSISDN) throws -> [(Payment, Merchant)] {
        try platform.pendingPrompts(msisdn: msisdn.value).compactMap { payment in try platform.merchant(id: payment.merchantID).map { (payment, $0) } }
    }

    @Sendable func payer(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let msisdn: MSISDN
        do {
            msisdn = try MSISDN(parsing: Self.msisdnParameter(context))
        } catch let error as PNPEError {
            return Self.html(PageLayout.render(title: "PNPE", language: request.language, body: "<p>\(error.message.htmlEscaped)</p>"), status: .badRequest)
        }
        return Self.html(PayerPage.render(msisdn: msisdn, prompts: try prompts(msisdn), language: request.language, only: Self.onlyPayment(request)))
    }

    /// `?payment=…`: the phone page opened from one payment's checkout shows that payment's prompt only.
    private static func onlyPayment(_ request: Request) -> String? {
        request.uri.queryParameters["payment"].map(String.init).flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
    }

    @Sendable func answer(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let language = request.language
        let only = Self.onlyPayment(request)
        let msisdn: MSISDN
        do {
            msisdn = try MSISDN(parsing: Self.msisdnParameter(context))
        } catch let error as PNPEError {
            return Self.html(PageLayout.render(title: "PNPE", language: language, body: "<p>\(error.message.htmlEscaped)</p>"), status: .badRequest)
        }
        let form = try await FormBody.read(request, limit: platform.configuration.maxBodyBytes)
        let id = context.parameters.get("payment") ?? ""
        guard let payment = try prompts(msisdn).first(where: { $0.0.id == id })?.0 else {
            return Self.html(
                PayerPage.render(
                    msisdn: msisdn, prompts: try prompts(msisdn), language: language,
                    message: LocalizedText(fr: "Cette demande n'est plus en attente.", en: "This request is no longer pending.")(language), only: only),
                status: .conflict)
        }
        do {
            let result = try platform.answerPrompt(payment: payment, msisdn: msisdn, approve: form["action"] != "decline", pin: form["pin"])
            let message = result.status == .succeeded
                ? LocalizedText(fr: "Paiement de \(Formatting.francs(result.amount)) effectué.", en: "Payment of \(Formatting.francs(result.amount)) done.")(language)
                : LocalizedText(fr: "Paiement refusé (\(result.failureCode ?? "")).", en: "Payment refused (\(result.failureCode ?? "")).")(language)
            return Self.html(PayerPage.render(msisdn: msisdn, prompts: try prompts(msisdn), language: language, message: message, only: only))
        } catch let error as PNPEError {
            return Self.html(PayerPage.render(msisdn: msisdn, prompts: try prompts(msisdn), language: language, message: error.message, only: only), status: error.status)
        }
    }
}
