import HTTPTypes
import Foundation
import SandboxCore

extension PaymentPlatform {
    // MARK: Storage

    func payment(_ runner: some SQLRunner, id: String, merchantID: String) throws -> Payment {
        guard let row = try runner.queryOne("SELECT body FROM payments WHERE id = ? AND merchant_id = ?", [.text(id), .text(merchantID)]) else {
            throw PNPEError.notFound("payment", id)
        }
        return try PNPEJSON.decode(Payment.self, try row.string("body"))
    }

    public func payment(id: String, merchantID: String) throws -> Payment { try payment(database, id: id, merchantID: merchantID) }

    func payment(checkoutToken: String) throws -> Payment? {
        try database.queryOne("SELECT body FROM payments WHERE checkout_token = ?", [.text(checkoutToken)])
            .map { try PNPEJSON.decode(Payment.self, try $0.string("body")) }
    }

    func save(_ runner: some SQLRunner, _ payment: Payment) throws {
        try runner.execute(
            "UPDATE payments SET status = ?, payer_msisdn = ?, body = ? WHERE id = ?",
            [.text(payment.status.rawValue), payment.payer.map { .text($0.msisdn) } ?? .null, .text(try PNPEJSON.text(payment)), .text(payment.id)])
    }

    // MARK: Create

    /// Creates a `pending` payment, or answers 409 `duplicate_merchant_reference` naming the existing one.
    func createPayment(merchant: Merchant, input: CreatePaymentInput) throws -> Payment {
        // Everything that does not need the database is built first: encoding JSON is the costliest step
        // of a creation, and the database serialises every writer while a transaction is open.
        let now = try self.now(merchant)
        let token = Identifier.random(prefix: "ck", bytes: 12).lowercased()
        let payment = Payment(
            id: Identifier.random(prefix: "pay", bytes: 10), merchantID: merchant.id, status: .pending, amount: input.amount,
            description: input.description, merchantReference: input.merchantReference, customer: input.customer, methods: input.methods,
            checkoutToken: token, checkoutURL: "\(configuration.publicBaseURL)/checkout/\(token)", returnURL: input.returnURL,
            notifyURL: input.notifyURL, expiresAt: now.addingTimeInterval(Double(input.expiresIn)), createdAt: now, updatedAt: now,
            metadata: input.metadata)
        let body = try PNPEJSON.text(payment)
        let event = try EventRecord(
            id: Identifier.random(prefix: "evt", bytes: 10), type: "payment.created", merchantID: merchant.id, objectID: payment.id,
            createdAt: now, objectJSON: body, previousAttributes: nil)
        return try write { tx, emitted in
            if let reference = input.merchantReference,
                let existing = try tx.queryOne("SELECT id FROM payments WHERE merchant_id = ? AND merchant_reference = ?", [.text(merchant.id), .text(reference)])
            {
                let id = try existing.string("id")
                throw PNPEError(
                    .conflict, code: "duplicate_merchant_reference",
                    message: "merchant_reference \(reference.prefix(100)) is already used by payment \(id); retrieve that payment instead of creating another",
                    param: "merchant_reference", extra: ["existing_payment_id": id])
            }
            try tx.execute(
                "INSERT INTO payments (id, merchant_id, status, merchant_reference, checkout_token, created_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(payment.id), .text(merchant.id), .text(payment.status.rawValue), input.merchantReference.map { .text($0) } ?? .null, .text(token),
                 .integer(now.milliseconds), .text(body)])
            try emit(tx, event, merchant: merchant, facts: facts(payment), emitted: &emitted)
            try schedule(tx, merchantID: merchant.id, due: payment.expiresAt, kind: .expirePayment, subject: payment.id, now: now, emitted: &emitted)
            return payment
        }
    }

    func facts(_ payment: Payment, operation: String = "webhook.deliver") -> FaultFacts {
        FaultFacts(operation: operation, method: payment.method?.rawValue, msisdn: payment.payer?.msisdn, amount: payment.amount)
    }

    // MARK: Transitions

    /// Moves `payment` to `next` if the state machine allows it, with the fields that state implies, and
    /// emits the event of the transition.
    func transition(
        _ tx: Transaction, _ payment: inout Payment, to next: PaymentStatus, merchant: Merchant, action: String,
        failureCode: String? = nil, plan: DeliveryPlan = .normal, now: Date, emitted: inout Emitted
    ) throws {
        let previous = payment.status
        guard previous.canMove(to: next) else { throw PNPEError.invalidTransition(from: previous, action: action) }
        payment.status = next
        payment.updatedAt = now
        switch next {
        case .succeeded:
            payment.succeededAt = now
            let fee = configuration.fee(amount: payment.amount, method: payment.method)
            payment.fee = fee
            payment.net = payment.amount - fee
            payment.providerReference = "MP" + Identifier.random(prefix: "x", bytes: 8).dropFirst(2)
            try scheduleSettlement(tx, merchantID: merchant.id, succeededAt: now, now: now, emitted: &emitted)
        case .failed, .expired:
            let code = failureCode ?? (next == .expired ? "expired" : "provider_error")
            payment.failureCode = code
            payment.failureMessage = FailureCode.messages[code] ?? code
        default: break
        }
        if next.isTerminal || next == .succeeded {
            try cancelJobs(tx, subject: payment.id, kinds: [.resolvePayment, .expirePayment])
        }
        try save(tx, payment)
        let type = "payment.\(next.rawValue)"
        try emit(
            tx, merchant: merchant, type: type, objectID: payment.id, object: payment, previous: ["status": previous.rawValue], plan: plan,
            facts: facts(payment), now: now, emitted: &emitted)
    }

    /// The delivery plan of a payment's events after collect, from its test scenario.
    func plan(for payment: Payment, finalEvent: Bool) -> DeliveryPlan {
        guard let webhook = payment.test.flatMap({ TestScenario.Webhook(rawValue: $0.webhook) }) else { return .normal }
        switch (webhook, finalEvent) {
        case (.none, _): return .dropped
        case (.duplicate, true): return DeliveryPlan(copies: 2)
        case (.late, true): return DeliveryPlan(delaySeconds: 120)
        case (.badSignature, true): return DeliveryPlan(badSignatureFirst: true)
        case (.dropped, true): return .dropped
        case (.processingTwice, false): return DeliveryPlan(copies: 2)
        default: return .normal
        }
    }

    // MARK: Collect

    /// Pushes a mobile-money request to the payer's phone: `pending` → `processing`, then the outcome of
    /// the test scenario on the merchant's clock.
    /// - Parameters:
    ///   - override: the `PNPE-Test-Scenario` header, if any.
    ///   - forced: an `outcome` fault rule, if one matched.
    func collect(merchant: Merchant, paymentID: String, input: CollectInput, override: TestScenario?, forced: FaultRule.Action?) async throws -> Payment {
        let current = try payment(id: paymentID, merchantID: merchant.id)
        guard current.status == .pending else { throw PNPEError.invalidTransition(from: current.status, action: "collect") }
        guard current.methods.contains(input.method) else {
            throw PNPEError(
                .badRequest, code: "method_not_allowed",
                message: "method: \(input.method.rawValue) is not among this payment's methods (\(current.methods.map(\.rawValue).joined(separator: ", ")))",
                param: "method")
        }
        var scenario: TestScenario
        var source: String
        if let override {
            (scenario, source) = (override, "header")
        } else if let byNumber = TestScenario.forNumber(input.msisdn.value) {
            (scenario, source) = (byNumber, "msisdn")
        } else {
            (scenario, source) = (.defaultSuccess(delaySeconds: merchant.defaultDelaySeconds), "default")
        }
        if let forced {
            source = "fault_rule"
            scenario.collect = .accepted
            switch forced.outcome {
            case "failed": scenario.outcome = .fail(code: forced.failureCode ?? "provider_error")
            case "expired": scenario.outcome = .expire
            default: scenario.outcome = .succeed
            }
        }
        switch scenario.collect {
        case .providerDown:
            throw PNPEError(
                .serviceUnavailable, .api, code: "provider_unavailable",
                message: "\(input.method.displayName) is unavailable (test scenario provider_down); retry after 5 seconds", param: "msisdn",
                headers: [.retryAfter: "5"])
        case .providerTimeout:
            try await Task.sleep(for: .milliseconds(Int64(configuration.providerTimeoutSeconds * 1000)))
        case .payerNotFound, .accepted: break
        }
        let updated: Payment = try write { tx, emitted in
            let now = try self.now(merchant)
            var payment = try self.payment(tx, id: paymentID, merchantID: merchant.id)
            guard payment.status == .pending else { throw PNPEError.invalidTransition(from: payment.status, action: "collect") }
            // Its expiry job may not have run yet (real time is polled); a late collect must not revive it.
            guard now < payment.expiresAt else {
                throw PNPEError(.conflict, code: "payment_expired", message: "payment \(payment.id) expired at \(ISO8601DateFormatter().string(from: payment.expiresAt)); create a new one", param: "id")
            }
            payment.method = input.method
            payment.payer = Payment.Payer(msisdn: input.msisdn.value, operator: input.method.operatorCode)
            payment.test = Payment.TestInfo(scenario: scenario.name, resolvedFrom: source, webhook: scenario.webhook.rawValue)
            if scenario.collect == .payerNotFound {
                try transition(tx, &payment, to: .failed, merchant: merchant, action: "collect", failureCode: "payer_not_found", plan: .dropped, now: now, emitted: &emitted)
                return payment
            }
            var processingPlan = plan(for: payment, finalEvent: false)
            if scenario.webhook == .outOfOrder { processingPlan.delaySeconds = Int64(scenario.delaySeconds ?? merchant.defaultDelaySeconds) + 5 }
            try transition(tx, &payment, to: .processing, merchant: merchant, action: "collect", plan: processingPlan, now: now, emitted: &emitted)
            let due = now.addingTimeInterval(Double(scenario.delaySeconds ?? merchant.defaultDelaySeconds))
            switch scenario.outcome {
            case .succeed:
                try schedule(tx, merchantID: merchant.id, due: due, kind: .resolvePayment, subject: payment.id,
                             payload: try PNPEJSON.text(ResolvePayload(outcome: "succeeded", failureCode: nil, reverseAfterSeconds: scenario.reversedAfterSeconds)),
                             now: now, emitted: &emitted)
            case .fail(let code):
                try schedule(tx, merchantID: merchant.id, due: due, kind: .resolvePayment, subject: payment.id,
                             payload: try PNPEJSON.text(ResolvePayload(outcome: "failed", failureCode: code, reverseAfterSeconds: nil)), now: now, emitted: &emitted)
            case .expire: break
            case .stuck: try cancelJobs(tx, subject: payment.id, kinds: [.expirePayment])
            }
            return payment
        }
        if scenario.collect == .payerNotFound {
            var error = PNPEError(
                .badRequest, code: "payer_not_found",
                message: "msisdn: \(input.msisdn.value) has no \(input.method.displayName) wallet (test scenario payer_not_found); the payment \(updated.id) failed",
                param: "msisdn", extra: ["payment_id": updated.id])
            error.afterSideEffects = true
            throw error
        }
        return updated
    }

    /// Runs a due `payment.resolve` job: the payer's answer arrives.
    func resolvePayment(merchant: Merchant, paymentID: String, payload: ResolvePayload) throws {
        try write { tx, emitted in
            let now = try self.now(merchant)
            var payment = try self.payment(tx, id: paymentID, merchantID: merchant.id)
            guard payment.status == .processing else { return }
            let next: PaymentStatus = payload.outcome == "succeeded" ? .succeeded : .failed
            try transition(
                tx, &payment, to: next, merchant: merchant, action: "resolve", failureCode: payload.failureCode, plan: plan(for: payment, finalEvent: true),
                now: now, emitted: &emitted)
            if next == .succeeded, let seconds = payload.reverseAfterSeconds {
                try schedule(tx, merchantID: merchant.id, due: now.addingTimeInterval(Double(seconds)), kind: .reversePayment, subject: payment.id, now: now, emitted: &emitted)
            }
        }
    }

    /// Runs a due `payment.expire` job.
    func expirePayment(merchant: Merchant, paymentID: String) throws {
        try write { tx, emitted in
            let now = try self.now(merchant)
            var payment = try self.payment(tx, id: paymentID, merchantID: merchant.id)
            guard payment.status == .pending || payment.status == .processing, payment.test?.scenario != "stuck_processing" else { return }
            try transition(tx, &payment, to: .expired, merchant: merchant, action: "expire", failureCode: "expired", plan: plan(for: payment, finalEvent: true), now: now, emitted: &emitted)
        }
    }

    // MARK: Merchant and test-helper actions

    /// `cancel`: allowed while the payer has not answered (`pending` or `processing`).
    func cancel(merchant: Merchant, paymentID: String) throws -> Payment {
        try write { tx, emitted in
            let now = try self.now(merchant)
            var payment = try self.payment(tx, id: paymentID, merchantID: merchant.id)
            try transition(tx, &payment, to: .canceled, merchant: merchant, action: "cancel", now: now, emitted: &emitted)
            return payment
        }
    }

    /// Forces an outcome (test helpers, checkout buttons, payer simulator). A `pending` payment passes
    /// through `processing` first when the outcome needs a payer.
    func force(
        merchant: Merchant, paymentID: String, to next: PaymentStatus, failureCode: String? = nil, method: PaymentMethod? = nil, msisdn: MSISDN? = nil,
        source: String
    ) throws -> Payment {
        try write { tx, emitted in
            let now = try self.now(merchant)
            var payment = try self.payment(tx, id: paymentID, merchantID: merchant.id)
            if payment.status == .pending && (next == .succeeded || next == .failed) {
                payment.method = method ?? payment.methods.first
                if let payer = msisdn ?? payment.customer?.msisdn.flatMap({ try? MSISDN(parsing: $0) }) {
                    payment.payer = Payment.Payer(msisdn: payer.value, operator: (payment.method ?? .mtnMomo).operatorCode)
                }
                if payment.test == nil { payment.test = Payment.TestInfo(scenario: "manual", resolvedFrom: source, webhook: "normal") }
                try transition(tx, &payment, to: .processing, merchant: merchant, action: "force \(next.rawValue) on", now: now, emitted: &emitted)
            }
            try transition(
                tx, &payment, to: next, merchant: merchant, action: "force \(next.rawValue) on", failureCode: failureCode,
                plan: payment.status == .processing ? plan(for: payment, finalEvent: true) : .normal, now: now, emitted: &emitted)
            return payment
        }
    }

    // MARK: Listing

    struct PaymentFilter {
        var status: PaymentStatus?
        var merchantReference: String?
        var createdGte: Date?
        var createdLte: Date?
    }

    /// A page of payments, newest first, after the cursor `startingAfter`.
    func payments(merchantID: String, filter: PaymentFilter, limit: Int, startingAfter: String?) throws -> (payments: [Payment], hasMore: Bool) {
        var sql = "SELECT body FROM payments WHERE merchant_id = ?"
        var bindings: [SQLValue] = [.text(merchantID)]
        if let status = filter.status {
            sql += " AND status = ?"
            bindings.append(.text(status.rawValue))
        }
        if let reference = filter.merchantReference {
            sql += " AND merchant_reference = ?"
            bindings.append(.text(reference))
        }
        if let gte = filter.createdGte {
            sql += " AND created_ms >= ?"
            bindings.append(.integer(gte.milliseconds))
        }
        if let lte = filter.createdLte {
            sql += " AND created_ms <= ?"
            bindings.append(.integer(lte.milliseconds))
        }
        if let startingAfter {
            guard let cursor = try database.queryOne("SELECT seq FROM payments WHERE id = ? AND merchant_id = ?", [.text(startingAfter), .text(merchantID)]) else {
                throw PNPEError.notFound("payment", startingAfter, param: "starting_after")
            }
            sql += " AND seq < ?"
            bindings.append(.integer(try cursor.int("seq")))
        }
        sql += " ORDER BY seq DESC LIMIT ?"
        bindings.append(.integer(Int64(limit + 1)))
        let payments = try database.query(sql, bindings).map { try PNPEJSON.decode(Payment.self, try $0.string("body")) }
        return (Array(payments.prefix(limit)), payments.count > limit)
    }

    /// Payments waiting for the payer behind `msisdn` (the phone simulator's prompts), across merchants.
    func pendingPrompts(msisdn: String) throws -> [Payment] {
        try database.query("SELECT body FROM payments WHERE payer_msisdn = ? AND status = 'processing' ORDER BY seq", [.text(msisdn)])
            .map { try PNPEJSON.decode(Payment.self, try $0.string("body")) }
    }
}

/// What a `payment.resolve` job does when it comes due.
struct ResolvePayload: Codable, Sendable {
    var outcome: String
    var failureCode: String?
    var reverseAfterSeconds: Int?
}
