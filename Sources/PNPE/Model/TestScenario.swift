/// One deterministic test payer (reference §4.6): the number picks the outcome, its timing and how its
/// webhooks misbehave, so every hard case of an integration can be reproduced on demand.
public struct TestScenario: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case succeed
        case fail(code: String)
        /// Nobody answers: the payment expires at `expires_at`.
        case expire
        /// Stays `processing` for ever (no expiry, no webhook): the integration must poll and give up.
        case stuck
    }

    /// What happens synchronously when the merchant calls `collect`.
    public enum Collect: Sendable, Equatable {
        case accepted
        /// 400 `payer_not_found`; the payment fails.
        case payerNotFound
        /// 503 `provider_unavailable` with `Retry-After: 5`; the payment stays `pending`.
        case providerDown
        /// The call hangs (35 s by default), then is accepted.
        case providerTimeout
    }

    /// How the webhooks of this payment misbehave.
    public enum Webhook: String, Sendable, Equatable, CaseIterable {
        case normal
        /// No webhook at all after collect.
        case none
        /// The final event is delivered twice (same event id).
        case duplicate
        /// The final event is delivered 120 s late.
        case late
        /// The final event arrives before `payment.processing`.
        case outOfOrder = "out_of_order"
        /// The first attempt of the final event is signed with a wrong secret.
        case badSignature = "bad_signature"
        /// The final event is stored but never delivered.
        case dropped
        /// `payment.processing` is delivered twice.
        case processingTwice = "processing_twice"
    }

    public var name: String
    public var msisdn: String?
    public var aliases: [String] = []
    public var outcome: Outcome
    /// Seconds from collect to the outcome; nil means the merchant's default delay (3 s).
    public var delaySeconds: Int?
    public var collect: Collect = .accepted
    public var webhook: Webhook = .normal
    /// A success reversed by the provider this many seconds later (refunded, `reversed_by_provider`).
    public var reversedAfterSeconds: Int?
    /// Human description of the timing, for the catalogue.
    public var timing: String

    public var finalStatus: String {
        if reversedAfterSeconds != nil { return "refunded" }
        switch outcome {
        case .succeed: return "succeeded"
        case .fail: return "failed"
        case .expire: return "expired"
        case .stuck: return "processing"
        }
    }

    public var failureCode: String? {
        switch (outcome, collect) {
        case (_, .payerNotFound): return "payer_not_found"
        case (_, .providerDown): return "provider_unavailable"
        case (.fail(let code), _): return code
        case (.expire, _): return "expired"
        default: return reversedAfterSeconds != nil ? "reversed_by_provider" : nil
        }
    }
}

extension TestScenario {
    /// The catalogue, in the reserved block `+229 01 00 00 0XYZ`.
    public static let catalogue: [TestScenario] = [
        .init(name: "success_immediate", msisdn: "+2290100000000", aliases: ["+22951345789", "+22960000000"], outcome: .succeed, delaySeconds: 0, timing: "0 s"),
        .init(name: "success_after_5s", msisdn: "+2290100000001", outcome: .succeed, delaySeconds: 5, timing: "5 s"),
        .init(name: "success_after_30s", msisdn: "+2290100000002", outcome: .succeed, delaySeconds: 30, timing: "30 s"),
        .init(name: "declined_by_payer", msisdn: "+2290100000010", aliases: ["46733123451", "+22951345039"], outcome: .fail(code: "payment_not_approved"), delaySeconds: 10, timing: "10 s"),
        .init(name: "insufficient_funds", msisdn: "+2290100000011", outcome: .fail(code: "insufficient_funds"), delaySeconds: 3, timing: "3 s"),
        .init(name: "payer_not_found", msisdn: "+2290100000012", aliases: ["46733123455", "+22951345029"], outcome: .fail(code: "payer_not_found"), delaySeconds: 0, collect: .payerNotFound, webhook: .none, timing: "synchronous 400 on collect"),
        .init(name: "limit_exceeded", msisdn: "+2290100000013", outcome: .fail(code: "limit_exceeded"), delaySeconds: 3, timing: "3 s"),
        .init(name: "wrong_pin_then_ok", msisdn: "+2290100000014", outcome: .succeed, delaySeconds: 20, webhook: .processingTwice, timing: "20 s"),
        .init(name: "never_answers", msisdn: "+2290100000020", aliases: ["46733123452"], outcome: .expire, timing: "at expires_at"),
        .init(name: "stuck_processing", msisdn: "+2290100000021", aliases: ["+22951345129"], outcome: .stuck, webhook: .none, timing: "never"),
        .init(name: "provider_down", msisdn: "+2290100000030", outcome: .fail(code: "provider_unavailable"), collect: .providerDown, webhook: .none, timing: "collect answers 503 with Retry-After: 5"),
        .init(name: "provider_timeout", msisdn: "+2290100000031", outcome: .succeed, delaySeconds: 3, collect: .providerTimeout, timing: "collect hangs 35 s, then 202; success 3 s later"),
        .init(name: "provider_error_async", msisdn: "+2290100000032", aliases: ["46733123450", "+22951345069"], outcome: .fail(code: "provider_error"), delaySeconds: 3, timing: "3 s"),
        .init(name: "success_duplicate_webhook", msisdn: "+2290100000040", outcome: .succeed, delaySeconds: 3, webhook: .duplicate, timing: "3 s"),
        .init(name: "success_late_webhook", msisdn: "+2290100000041", outcome: .succeed, delaySeconds: 3, webhook: .late, timing: "3 s, webhook 120 s later"),
        .init(name: "success_out_of_order", msisdn: "+2290100000042", outcome: .succeed, delaySeconds: 3, webhook: .outOfOrder, timing: "3 s"),
        .init(name: "success_bad_signature_first", msisdn: "+2290100000043", outcome: .succeed, delaySeconds: 3, webhook: .badSignature, timing: "3 s"),
        .init(name: "success_webhook_dropped", msisdn: "+2290100000044", outcome: .succeed, delaySeconds: 3, webhook: .dropped, timing: "3 s"),
        .init(name: "success_then_reversed", msisdn: "+2290100000050", outcome: .succeed, delaySeconds: 3, reversedAfterSeconds: 60, timing: "3 s, reversed 60 s later"),
    ]

    /// What every well-formed number outside the catalogue does.
    public static func defaultSuccess(delaySeconds: Int) -> TestScenario {
        TestScenario(name: "default_success", outcome: .succeed, delaySeconds: delaySeconds, timing: "\(delaySeconds) s")
    }

    public static func named(_ name: String) -> TestScenario? { catalogue.first { $0.name == name } }

    /// The scenario a number selects, if it is in the catalogue or its aliases.
    public static func forNumber(_ msisdn: String) -> TestScenario? {
        catalogue.first { $0.msisdn == msisdn || $0.aliases.contains(msisdn) }
    }

    /// Parses a `PNPE-Test-Scenario` header: a catalogue name, or `success`, `failure` or `expire`, then
    /// optional `; delay=12s`, `; webhook=duplicate`, `; code=insufficient_funds`.
    public static func parseHeader(_ header: String) throws -> TestScenario {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let head = parts.first, !head.isEmpty, head.count <= 60 else {
            throw PNPEError.invalid("PNPE-Test-Scenario", "must name a scenario, e.g. insufficient_funds or success; delay=12s")
        }
        var scenario: TestScenario
        switch head {
        case "success": scenario = TestScenario(name: "success", outcome: .succeed, delaySeconds: nil, timing: "default")
        case "failure", "failed": scenario = TestScenario(name: "failure", outcome: .fail(code: "payment_not_approved"), delaySeconds: nil, timing: "default")
        case "expire", "expired": scenario = TestScenario(name: "expire", outcome: .expire, timing: "at expires_at")
        default:
            guard let named = named(head) else {
                throw PNPEError.invalid(
                    "PNPE-Test-Scenario", "unknown scenario \(head); use success, failure, expire or a name from GET /v1/test_helpers/scenarios")
            }
            scenario = named
        }
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { throw PNPEError.invalid("PNPE-Test-Scenario", "modifier \(part.prefix(40)) must be key=value") }
            switch pair[0] {
            case "delay":
                let text = pair[1].hasSuffix("s") ? String(pair[1].dropLast()) : pair[1]
                guard let seconds = Int(text), (0...86_400).contains(seconds) else {
                    throw PNPEError.invalid("PNPE-Test-Scenario", "delay must be whole seconds between 0 and 86400, e.g. delay=12s")
                }
                scenario.delaySeconds = seconds
                scenario.timing = "\(seconds) s"
            case "webhook":
                guard let webhook = Webhook(rawValue: pair[1]) else {
                    throw PNPEError.invalid("PNPE-Test-Scenario", "webhook must be one of \(Webhook.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                scenario.webhook = webhook
            case "code":
                guard case .fail = scenario.outcome, FailureCode.all.contains(pair[1]) else {
                    throw PNPEError.invalid("PNPE-Test-Scenario", "code applies to failure scenarios and must be one of \(FailureCode.all.sorted().joined(separator: ", "))")
                }
                scenario.outcome = .fail(code: pair[1])
            default:
                throw PNPEError.invalid("PNPE-Test-Scenario", "unknown modifier \(pair[0].prefix(20)); use delay, webhook or code")
            }
        }
        return scenario
    }
}

/// Failure codes of payments (reference §3.3), with a message in plain words.
public enum FailureCode {
    public static let messages: [String: String] = [
        "payer_not_found": "The number is not registered with this operator.",
        "payment_not_approved": "The payer declined the request on their phone.",
        "insufficient_funds": "The payer's wallet balance is too low.",
        "limit_exceeded": "The payer's transaction limit is exceeded.",
        "invalid_pin": "The payer entered a wrong PIN.",
        "provider_unavailable": "The operator's platform is unavailable.",
        "provider_error": "The operator's platform reported an internal error.",
        "expired": "The payer did not answer before the payment expired.",
    ]
    public static var all: Set<String> { Set(messages.keys) }
}

import HTTPTypes
import Foundation
