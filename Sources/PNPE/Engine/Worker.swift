import HTTPTypes
import Foundation
import Synchronization
import Logging
import SandboxCore

/// A scheduled job claimed from the `jobs` table.
struct Job: Sendable {
    var id: Int64
    var merchantID: String
    var due: Date
    var kind: JobKind
    var subject: String
    var payload: String
    /// For deliveries: the endpoint, so deliveries to one receiver stay in order.
    var endpointID: String?
}

extension PaymentPlatform {
    /// Runs the due jobs of every merchant until the task is cancelled: woken at once when a job is due
    /// now, and every `pollInterval` for jobs that came due as time passed.
    public func runWorker() async {
        let ticker = Task { [wakeUp, configuration] in
            while !Task.isCancelled {
                try? await Task.sleep(for: configuration.pollInterval)
                wakeUp.yield()
            }
        }
        defer { ticker.cancel() }
        wakeUp.yield()
        for await _ in wakeUps {
            if Task.isCancelled { break }
            await runDueJobs()
        }
    }

    /// Claims and runs what is due now: payment and settlement jobs one after the other, deliveries
    /// concurrently across endpoints but in order within one.
    func runDueJobs() async {
        do {
            let merchantIDs = try database.query("SELECT DISTINCT merchant_id FROM jobs WHERE state = 'pending'", []).map { try $0.string("merchant_id") }
            for merchantID in merchantIDs where !advancing.withLock({ $0.contains(merchantID) }) {
                let jobs = try claim(merchantID: merchantID, dueBy: try clocks.now(merchantID), limit: 200)
                guard !jobs.isEmpty else { continue }
                for job in jobs where job.kind != .attemptDelivery { await run(job) }
                let lanes = Dictionary(grouping: jobs.filter { $0.kind == .attemptDelivery }, by: { $0.endpointID ?? "" })
                await withTaskGroup(of: Void.self) { group in
                    for lane in lanes.values {
                        group.addTask { for job in lane { await self.run(job) } }
                    }
                }
            }
        } catch {
            logger.error("pnpe worker: \(error)")
        }
    }

    /// Marks up to `limit` due jobs as running and returns them in due order.
    func claim(merchantID: String, dueBy: Date, limit: Int) throws -> [Job] {
        try database.transaction { tx in
            let rows = try tx.query(
                """
                SELECT jobs.id, jobs.merchant_id, jobs.due_ms, jobs.kind, jobs.subject, jobs.payload, deliveries.endpoint_id
                FROM jobs LEFT JOIN deliveries ON jobs.kind = 'delivery.attempt' AND deliveries.id = jobs.subject
                WHERE jobs.state = 'pending' AND jobs.merchant_id = ? AND jobs.due_ms <= ? ORDER BY jobs.due_ms, jobs.id LIMIT ?
                """, [.text(merchantID), .integer(dueBy.milliseconds), .integer(Int64(limit))])
            return try rows.compactMap { row in
                let id = try row.int("id")
                try tx.execute("UPDATE jobs SET state = 'running' WHERE id = ?", [.integer(id)])
                guard let kind = JobKind(rawValue: try row.string("kind")) else { return nil }
                return Job(
                    id: id, merchantID: try row.string("merchant_id"), due: Date(milliseconds: try row.int("due_ms")), kind: kind,
                    subject: try row.string("subject"), payload: try row.string("payload"), endpointID: row.optionalString("endpoint_id"))
            }
        }
    }

    /// Runs one job and records that it ran (or why it failed).
    func run(_ job: Job) async {
        var state = "done"
        do {
            guard let merchant = try merchant(id: job.merchantID) else { throw PNPEError.notFound("merchant", job.merchantID) }
            switch job.kind {
            case .resolvePayment: try resolvePayment(merchant: merchant, paymentID: job.subject, payload: try PNPEJSON.decode(ResolvePayload.self, job.payload))
            case .expirePayment: try expirePayment(merchant: merchant, paymentID: job.subject)
            case .reversePayment: try reversePayment(merchant: merchant, paymentID: job.subject)
            case .resolveRefund: try resolveRefund(merchant: merchant, refundID: job.subject)
            case .attemptDelivery: try await attemptDelivery(merchant: merchant, deliveryID: job.subject, scheduledAt: job.due)
            case .runSettlement: try runSettlement(merchant: merchant, cutoff: job.due)
            }
        } catch {
            state = "failed"
            logger.error("pnpe job \(job.kind.rawValue) \(job.subject) failed: \(error)")
        }
        // Done jobs are deleted so the table stays small over a week-long lab; failed ones stay to be looked at.
        if state == "done" {
            try? database.execute("DELETE FROM jobs WHERE id = ?", [.integer(job.id)])
        } else {
            try? database.execute("UPDATE jobs SET state = ? WHERE id = ?", [.text(state), .integer(job.id)])
        }
    }

    /// Moves the merchant's clock to `target`, running every job that comes due on the way at its own
    /// time, in order: a 6-hour advance makes each webhook retry happen at its scheduled instant.
    public func advance(merchant: Merchant, to target: Date) async throws {
        let started = advancing.withLock { $0.insert(merchant.id).inserted }
        guard started else {
            throw PNPEError(.conflict, code: "clock_busy", message: "this merchant's clock is already being advanced; wait for that call to finish")
        }
        defer {
            _ = advancing.withLock { $0.remove(merchant.id) }
            wakeUp.yield()
        }
        while let job = try claim(merchantID: merchant.id, dueBy: target, limit: 1).first {
            if job.due > (try clocks.now(merchant.id)) { try clocks.move(merchant.id, to: job.due) }
            await run(job)
        }
        try clocks.move(merchant.id, to: target)
    }

    /// Wipes the merchant's payments, refunds, events, deliveries, jobs, idempotency keys, fault rules and
    /// settlements; keys and webhook endpoints stay, the clock goes back to real time.
    func reset(merchant: Merchant) throws {
        try database.transaction { tx in
            for table in ["payments", "refunds", "events", "deliveries", "jobs", "idempotency", "faults", "settlements"] {
                try tx.execute("DELETE FROM \(table) WHERE merchant_id = ?", [.text(merchant.id)])
            }
        }
        try clocks.reset(merchant.id)
    }
}
