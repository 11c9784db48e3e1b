import Foundation
import HTTPTypes
import NIOHTTP1
import Testing
@testable import PNPE

@Suite struct CheckoutTests {
    func token(_ pnpe: PNPEFixture, _ id: String) async throws -> String {
        let url = try #require(try await pnpe.call(.GET, "/v1/payments/\(id)").string("checkout_url"))
        return String(url.split(separator: "/").last!)
    }

    func form(_ pnpe: PNPEFixture, _ path: String, _ body: String) async throws -> PNPEFixture.Reply {
        try await PNPEFixture.send(.POST, pnpe.baseURL + path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body)
    }

    @Test func checkoutThenPhoneApproval() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment(extra: #","description":"Frais d'étude de dossier — licence FAI","methods":["mtn_momo","moov_money","celtiis_cash"]"#)
        let token = try await token(pnpe, id)
        let page = try await PNPEFixture.send(.GET, pnpe.baseURL + "/checkout/\(token)")
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        for text in ["25 000 FCFA", "MTN MoMo", "Moov Money", "Celtiis Cash", "Numéro de téléphone", "Approuver", "Refuser", "Solde insuffisant", "Laisser expirer", "Annuler", "illustratives", "Frais d&#39;étude"] {
            #expect(page.text.contains(text), "\(text)")
        }
        let english = try await PNPEFixture.send(.GET, pnpe.baseURL + "/checkout/\(token)?lang=en")
        #expect(english.text.contains("Insufficient funds"))
        #expect((try await PNPEFixture.send(.GET, pnpe.baseURL + "/checkout/ck_unknown")).status == 404)

        let wrong = try await form(pnpe, "/checkout/\(token)", "method=mtn_momo&msisdn=12")
        #expect(wrong.status == 400)
        #expect(wrong.text.contains("+229"))
        let submitted = try await form(pnpe, "/checkout/\(token)", "method=moov_money&msisdn=%2B229+01+66+77+8899")
        #expect(submitted.status == 303)
        #expect(submitted.header("Location") == "/checkout/\(token)?lang=fr")
        let payment = try await pnpe.call(.GET, "/v1/payments/\(id)")
        #expect(payment.string("status") == "processing")
        #expect(payment.string("payer.msisdn") == "+2290166778899")

        let phone = try await PNPEFixture.send(.GET, pnpe.baseURL + "/payer/+2290166778899")
        #expect(phone.text.contains("Moov Money : Payer 25 000 FCFA à ARCEP"))
        #expect(phone.text.contains("Entrez votre code PIN"))
        let badPin = try await form(pnpe, "/payer/+2290166778899/prompts/\(id)", "action=approve&pin=12")
        #expect(badPin.status == 400)
        let approved = try await form(pnpe, "/payer/+2290166778899/prompts/\(id)", "action=approve&pin=4321")
        #expect(approved.status == 200)
        #expect(approved.text.contains("effectué"))
        #expect(try await pnpe.status(id) == "succeeded")
        let done = try await PNPEFixture.send(.GET, pnpe.baseURL + "/checkout/\(token)")
        #expect(done.text.contains("Paiement réussi"))
        #expect((try await PNPEFixture.send(.GET, pnpe.baseURL + "/payer/0033")).status == 400)
    }

    @Test func thePhoneOpenedFromACheckoutShowsThatPaymentOnly() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        // Two trainees of a cohort pushing to the same number.
        let mine = try await pnpe.createPayment(amount: 25_000)
        let theirs = try await pnpe.createPayment(amount: 30_000)
        for id in [mine, theirs] { #expect(try await pnpe.collect(id, msisdn: "+2290166778899").status == 202) }

        let checkout = try await PNPEFixture.send(.GET, pnpe.baseURL + "/checkout/\(try await token(pnpe, mine))")
        #expect(checkout.text.contains("/payer/%2B2290166778899?lang=fr&amp;payment=\(mine)"))
        let only = try await PNPEFixture.send(.GET, pnpe.baseURL + "/payer/+2290166778899?payment=\(mine)")
        #expect(only.text.contains("25 000 FCFA") && !only.text.contains("30 000 FCFA"))
        #expect(only.text.contains("Toutes les demandes reçues par ce numéro"))
        let all = try await PNPEFixture.send(.GET, pnpe.baseURL + "/payer/+2290166778899")
        #expect(all.text.contains("25 000 FCFA") && all.text.contains("30 000 FCFA"))

        // Answering keeps the filter; the other prompt is still waiting on the number.
        let answered = try await form(pnpe, "/payer/+2290166778899/prompts/\(mine)?payment=\(mine)", "action=approve&pin=4321")
        #expect(answered.status == 200 && answered.text.contains("effectué") && !answered.text.contains("30 000 FCFA"))
        // Nothing left for this payment: the page refreshes to the phone page, not to the prompt's POST-only URL.
        #expect(answered.text.contains("content=\"3; url=/payer/%2B2290166778899?lang=fr&amp;payment=\(mine)\""), "\(answered.text)")
        #expect(try await pnpe.status(theirs) == "processing")
        let hostile = try await PNPEFixture.send(.GET, pnpe.baseURL + "/payer/+2290166778899?payment=%3Cscript%3E")
        #expect(hostile.status == 200 && !hostile.text.contains("<script>"))
    }

    @Test func sandboxButtonsRedirectToReturnURL() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment(extra: #","return_url":"http://localhost:3000/licence/42/retour?x=1""#)
        let token = try await token(pnpe, id)
        let approved = try await form(pnpe, "/checkout/\(token)/simulate", "action=approve")
        #expect(approved.status == 303)
        #expect(approved.header("Location") == "http://localhost:3000/licence/42/retour?x=1&payment_id=\(id)&status=succeeded")
        for (action, status, code) in [("decline", "failed", "payment_not_approved"), ("insufficient_funds", "failed", "insufficient_funds"), ("expire", "expired", "expired"), ("cancel", "canceled", nil)] {
            let other = try await pnpe.createPayment()
            let otherToken = try await self.token(pnpe, other)
            let reply = try await form(pnpe, "/checkout/\(otherToken)/simulate", "action=\(action)")
            #expect(reply.status == 303)
            let payment = try await pnpe.call(.GET, "/v1/payments/\(other)")
            #expect(payment.string("status") == status, "\(action)")
            #expect(payment.string("failure_code") == code, "\(action)")
        }
        let again = try await form(pnpe, "/checkout/\(token)/simulate", "action=decline")
        #expect(again.status == 409)
        let nonsense = try await form(pnpe, "/checkout/\(token)/simulate", "action=explode")
        #expect(nonsense.status == 400)
    }

    @Test func jsonTwins() async throws {
        let pnpe = try await PNPEFixture()
        defer { Task { await pnpe.stop() } }
        let id = try await pnpe.createPayment()
        _ = try await pnpe.collect(id, msisdn: "+2290166778899")
        let prompts = try await pnpe.call(.GET, "/v1/test_helpers/payers/+2290166778899/prompts")
        guard case .array(let list)? = prompts["data"] else { throw TestFailure("no prompts") }
        #expect(list.first?["id"] == .string(id))
        let wrongPin = try await pnpe.call(.POST, "/v1/test_helpers/payers/+2290166778899/prompts/\(id)", json: #"{"action":"approve","pin":"0000"}"#)
        #expect(wrongPin.string("status") == "failed")
        #expect(wrongPin.string("failure_code") == "invalid_pin")
        let late = try await pnpe.call(.POST, "/v1/test_helpers/payers/+2290166778899/prompts/\(id)", json: #"{"action":"approve","pin":"1234"}"#)
        #expect(late.errorCode == "no_pending_prompt")

        let other = try await pnpe.createPayment()
        let token = try await token(pnpe, other)
        let simulated = try await pnpe.call(.POST, "/v1/test_helpers/checkout/\(token)/simulate", json: #"{"action":"insufficient_funds"}"#)
        #expect(simulated.string("failure_code") == "insufficient_funds")
        let bad = try await pnpe.call(.POST, "/v1/test_helpers/checkout/\(token)/simulate", json: #"{"action":"fly"}"#)
        #expect(bad.errorParam == "action")
    }
}
