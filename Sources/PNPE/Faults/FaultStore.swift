import HTTPTypes
import Foundation
import SandboxCore
import Synchronization

extension PaymentPlatform {
    /// Finds the first rule of the merchant that matches and has one of `types`, and consumes one use.
    func consumeFault(_ runner: some SQLRunner, merchantID: String, facts: FaultFacts, types: Set<FaultRule.ActionType>) throws -> FaultRule? {
        let rows = try runner.query(
            "SELECT body FROM faults WHERE merchant_id = ? AND (remaining IS NULL OR remaining > 0) ORDER BY priority DESC, seq", [.text(merchantID)])
        for row in rows {
            var rule = try PNPEJSON.decode(FaultRule.self, try row.string("body"))
            guard types.contains(rule.action.type), rule.matches(facts) else { continue }
            rule.hits += 1
            if let remaining = rule.remaining { rule.remaining = remaining - 1 }
            try runner.execute(
                "UPDATE faults SET remaining = ?, hits = ?, body = ? WHERE id = ?",
                [rule.remaining.map { .integer(Int64($0)) } ?? .null, .integer(Int64(rule.hits)), .text(try PNPEJSON.text(rule)), .text(rule.id)])
            return rule
        }
        return nil
    }

    /// Whether the merchant has any fault rule left; the hot path skips the lookup otherwise. Every API
    /// call asks, so merchants that have never had a rule are answered from memory without touching the
    /// database (``mayHaveFaults`` only grows by ``addFault``; a merchant found without rules leaves it).
    func hasFaults(merchantID: String) throws -> Bool {
        guard mayHaveFaults.withLock({ $0.contains(merchantID) }) else { return false }
        let found = try database.queryOne(
            "SELECT 1 AS one FROM faults WHERE merchant_id = ? AND (remaining IS NULL OR remaining > 0) LIMIT 1", [.text(merchantID)]) != nil
        if !found { mayHaveFaults.withLock { _ = $0.remove(merchantID) } }
        return found
    }

    func addFault(_ rule: FaultRule, merchantID: String) throws {
        mayHaveFaults.withLock { _ = $0.insert(merchantID) }
        try database.execute(
            "INSERT INTO faults (id, merchant_id, priority, remaining, hits, body) VALUES (?, ?, ?, ?, 0, ?)",
            [.text(rule.id), .text(merchantID), .integer(Int64(rule.priority)), rule.remaining.map { .integer(Int64($0)) } ?? .null, .text(try PNPEJSON.text(rule))])
    }

    func faults(merchantID: String) throws -> [FaultRule] {
        try database.query("SELECT body FROM faults WHERE merchant_id = ? ORDER BY priority DESC, seq", [.text(merchantID)])
            .map { try PNPEJSON.decode(FaultRule.self, try $0.string("body")) }
    }

    /// Deletes one rule (or all with nil); answers how many were removed.
    func deleteFaults(merchantID: String, id: String?) throws -> Int {
        let before = try database.query("SELECT id FROM faults WHERE merchant_id = ?", [.text(merchantID)]).count
        if let id {
            try database.execute("DELETE FROM faults WHERE merchant_id = ? AND id = ?", [.text(merchantID), .text(id)])
        } else {
            try database.execute("DELETE FROM faults WHERE merchant_id = ?", [.text(merchantID)])
        }
        return before - (try database.query("SELECT id FROM faults WHERE merchant_id = ?", [.text(merchantID)]).count)
    }
}
