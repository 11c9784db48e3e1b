import Foundation
import HTTPTypes
import Logging
import SandboxCore
import Synchronization

/// The dossier fee through the PNPE. The e-service learns a payment's outcome from the PNPE only — a
/// signed webhook, or its own `GET /v1/payments/{id}` — never from the parameters the checkout adds to
/// `return_url`, which anyone can type.
extension AgrementService {
    /// Creates a payment for the fee (or returns the one still open) and gives its checkout URL.
    public func startPayment(_ id: String) async throws -> FeePayment {
        guard paying.withLock({ $0.insert(id).inserted }) else {
            throw Problem.conflict(detail: "a payment for this request is being created; reload the page in a moment")
        }
        defer { _ = paying.withLock { $0.remove(id) } }
        let dossier = try dossier(id)
        try Self.require(Workflow.next(.pay, from: dossier.application.status, readiness: dossier.readiness))
        if let open = dossier.openPayment {
            let current = try await refresh(open.paymentID, source: "poll")
            if current.isOpen { return current }
            if current.isPaid { throw Problem.conflict(detail: "the fee is already paid") }
        }
        guard let number = dossier.application.number else { throw Problem.conflict(detail: "submit the request first") }
        await ensureWebhookEndpoint()
        let attempt = (try store.payments(id).map(\.attempt).max() ?? 0) + 1
        // merchant_reference is unique at the PNPE: the first attempt carries the file number itself.
        let reference = attempt == 1 ? number : "\(number)-P\(attempt)"
        let created: PNPEClient.Payment
        do {
            created = try await pnpe.createPayment(
                amount: definition.fee.amount, description: "\(definition.fee.description) — \(number)", reference: reference,
                returnURL: "\(configuration.publicBaseURL)/demandes/\(id)/paiement/retour", metadata: ["file_number": number, "request_id": id],
                idempotencyKey: "agrement-fai:\(number):fee:\(attempt)")
        } catch let failure as PNPEClient.Failure {
            throw Problem(status: .badGateway, slug: "pnpe-refused", title: "The PNPE refused the payment", detail: failure.description)
        } catch let error as UpstreamError {
            throw Self.unreachable(error)
        }
        let now = clock.now()
        let payment = FeePayment(
            paymentID: created.id, applicationID: id, attempt: attempt, merchantReference: reference, amount: created.amount, status: created.status,
            checkoutURL: created.checkoutURL, failureCode: created.failureCode, confirmedBy: "create", createdAt: now, updatedAt: now)
        try store.insertPayment(payment, audit: AuditEntry(at: now, actor: "applicant", action: "payment", detail: "\(created.id) \(reference) \(created.amount) XOF"))
        return payment
    }

    /// Asks the PNPE for a payment's status and records a change (with its audit entry and messages).
    /// - Parameter source: how we came to ask: `webhook`, `poll` or `return` (the browser came back).
    @discardableResult
    public func refresh(_ paymentID: String, source: String) async throws -> FeePayment {
        guard let stored = try store.payment(paymentID) else { throw Problem.notFound(what: "payment", id: paymentID) }
        let current: PNPEClient.Payment
        do {
            current = try await pnpe.payment(paymentID)
        } catch let error as UpstreamError {
            throw Self.unreachable(error)
        } catch let failure as PNPEClient.Failure {
            throw Problem(status: .badGateway, slug: "pnpe-refused", title: "The PNPE did not give the payment", detail: failure.description)
        }
        // Compared and written in one transaction: a webhook and the poller may ask at the same moment.
        guard let updated = try store.changePayment(paymentID, to: current.status, failureCode: current.failureCode, source: source, at: clock.now()) else {
            return try store.payment(paymentID) ?? stored
        }
        if let application = try store.application(stored.applicationID) {
            if updated.isPaid { notifier.feePaid(application, payment: updated) }
            // A refund is not a failed payment: only these ask the applicant to pay again.
            if ["failed", "expired", "canceled"].contains(updated.status) { notifier.paymentFailed(application, payment: updated) }
        }
        return updated
    }

    /// The browser is back from the checkout. Its `status` parameter is ignored: we ask the PNPE.
    public func paymentReturned(_ id: String, paymentID: String?) async {
        guard let payments = try? store.payments(id) else { return }
        let mine = payments.first { $0.paymentID == paymentID } ?? payments.last(where: \.isOpen)
        if let mine, mine.isOpen { _ = try? await refresh(mine.paymentID, source: "return") }
    }

    /// The polling fallback: payments still open after the webhook's grace period are asked about.
    public func pollOpenPayments() async {
        let before = clock.now().addingTimeInterval(-configuration.webhookGraceSeconds)
        guard let open = try? store.openPayments(unchangedSince: before) else { return }
        for payment in open {
            do {
                try await refresh(payment.paymentID, source: "poll")
            } catch {
                logger.notice("poll of \(payment.paymentID) failed: \(error)")
            }
        }
    }

    // MARK: Webhook

    public enum WebhookOutcome: Sendable, Equatable {
        case accepted
        case duplicate
        /// Signed by the PNPE, but about a payment that is not ours (another e-service of the merchant).
        case ignored
        case refused(WebhookVerifier.Verdict)
        /// No endpoint secret is stored yet (it is registered at the first payment): nothing can be verified.
        case notRegistered
    }

    /// A delivery to `/webhooks/pnpe`: verified on the raw body, deduplicated by event id, then the payment
    /// is read again from the PNPE (events may arrive twice or out of order; the API is the truth).
    /// Throws when the PNPE cannot be asked: the 5xx makes it deliver again later.
    public func receiveWebhook(body: [UInt8], signature: String?) async throws -> WebhookOutcome {
        guard let secret = try storedEndpoint()?.secret else { return .notRegistered }
        let verdict = WebhookVerifier.verify(header: signature, body: body, secret: secret, now: Date())
        guard verdict == .valid else { return .refused(verdict) }
        struct Event: Decodable {
            struct Payload: Decodable {
                struct Object: Decodable { let id: String }
                let object: Object
            }
            let id: String
            let type: String
            let data: Payload
        }
        guard let event = try? JSONDecoder().decode(Event.self, from: Data(body)) else {
            throw Problem.badRequest(field: "body", detail: "not a PNPE event (id, type, data.object.id)")
        }
        if try store.isKnownEvent(event.id) { return .duplicate }
        guard event.type.hasPrefix("payment."), try store.payment(event.data.object.id) != nil else {
            try store.recordEvent(event.id, type: event.type, at: clock.now())
            return .ignored
        }
        try await refresh(event.data.object.id, source: "webhook")
        try store.recordEvent(event.id, type: event.type, at: clock.now())
        return .accepted
    }

    /// Registers `/webhooks/pnpe` with the PNPE once, keeping its secret (shown only at creation). If the
    /// PNPE forgot it (a reset), registers again. A failure is only logged: polling still confirms payments.
    func ensureWebhookEndpoint() async {
        if webhookEndpoint.withLock({ $0 }) != nil { return }
        // Another payment is registering it: this one is confirmed by the webhook if it is ready in time,
        // else by polling.
        let leads = registeringEndpoint.withLock { registering -> Bool in
            if registering { return false }
            registering = true
            return true
        }
        guard leads else { return }
        defer { registeringEndpoint.withLock { $0 = false } }
        let url = "\(configuration.webhookBaseURL)/webhooks/pnpe"
        do {
            if let stored = try storedEndpoint(), stored.url == url, try await pnpe.endpoint(stored.id) != nil {
                webhookEndpoint.withLock { $0 = (stored.id, stored.secret) }
                return
            }
            let created = try await pnpe.createEndpoint(url: url)
            guard let secret = created.secret else { return }
            try store.setSetting("pnpe.webhook", try StoredJSON.encode(StoredEndpoint(id: created.id, url: url, secret: secret)))
            webhookEndpoint.withLock { $0 = (created.id, secret) }
        } catch {
            logger.warning("cannot register the PNPE webhook endpoint \(url): \(error); payments will be confirmed by polling")
        }
    }

    struct StoredEndpoint: Codable {
        let id: String
        let url: String
        let secret: String
    }

    func storedEndpoint() throws -> StoredEndpoint? {
        try store.setting("pnpe.webhook").map { try StoredJSON.decode(StoredEndpoint.self, $0) }
    }

    static func unreachable(_ error: UpstreamError) -> Problem {
        Problem(status: .badGateway, slug: "upstream-unreachable", title: "\(error.system) unreachable", detail: "\(error.system) does not answer at \(error.url): is it running? Try again.")
    }
}
