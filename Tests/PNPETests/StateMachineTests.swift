import Foundation
import HTTPTypes
import SandboxCore
import SandboxCrypto
import Testing
@testable import PNPE

/// Every allowed and every refused transition of the payment state machine (reference §3.3).
@Suite struct StateMachineTests {
    static let allowed: [PaymentStatus: Set<PaymentStatus>] = [
        .pending: [.processing, .failed, .expired, .canceled],
        .processing: [.succeeded, .failed, .expired, .canceled],
        .succeeded: [.partiallyRefunded, .refunded],
        .partiallyRefunded: [.partiallyRefunded, .refunded],
        .failed: [], .expired: [], .canceled: [], .refunded: [],
    ]

    @Test(arguments: PaymentStatus.allCases)
    func transitionsFrom(_ from: PaymentStatus) {
        for to in PaymentStatus.allCases {
            #expect(from.canMove(to: to) == Self.allowed[from]!.contains(to), "\(from.rawValue) → \(to.rawValue)")
        }
        #expect(from.isTerminal == Self.allowed[from]!.isEmpty)
    }

    @Test func refusedTransitionNamesTheAllowedOnes() {
        let error = PNPEError.invalidTransition(from: .succeeded, action: "cancel")
        #expect(error.status == .conflict)
        #expect(error.code == "invalid_state_transition")
        #expect(error.message.contains("partially_refunded, refunded"))
    }
}

@Suite struct InputTests {
    @Test func strictJSON() throws {
        #expect(try JSONParser.parse(Array("{\"amount\":25000}".utf8))["amount"] == .integer(25000))
        #expect(try JSONParser.parse(Array("{\"amount\":25000.0}".utf8))["amount"] == .number("25000.0"))
        #expect(try JSONParser.parse(Array("{\"a\":99999999999999999999}".utf8))["a"] == .number("99999999999999999999"))
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array("{\"a\":1,\"a\":2}".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(String(repeating: "[", count: 5000).utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array("{\"a\":1} x".utf8)) }
        #expect(try JSONParser.parse(Array("\"\\u00e9\\ud83d\\ude00\"".utf8)) == .string("é😀"))
    }

    @Test func msisdnNormalisation() throws {
        #expect(try MSISDN(parsing: "+229 01 00 00 0001").value == "+2290100000001")
        #expect(try MSISDN(parsing: "00229 0197000000").value == "+2290197000000")
        #expect(try MSISDN(parsing: "46733123451").value == "46733123451")
        for bad in ["+22997000000", "+2290200000000", "0100000001", "+229010000000a", "hello"] {
            #expect(throws: PNPEError.self) { try MSISDN(parsing: bad) }
        }
        #expect(try MSISDN(parsing: "+2290100000001").formatted == "+229 01 00 00 0001")
        #expect(try MSISDN(parsing: "+2290166778899").masked == "+22901••••8899")
    }

    @Test func francs() {
        #expect(Formatting.francs(25_000) == "25 000 FCFA")
        #expect(Formatting.francs(1_250_000) == "1 250 000 FCFA")
        #expect(Formatting.francs(100) == "100 FCFA")
    }
}

@Suite struct SignatureTests {
    /// RFC 4231, test case 2: HMAC-SHA256 through OpenSSL gives the published value.
    @Test func hmacKnownAnswer() {
        let mac = HMAC.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(Hex.encode(mac, uppercase: false) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMAC.isEqual(mac, mac))
        #expect(!HMAC.isEqual(mac, Array(mac.dropLast())))
    }

    @Test func headerRoundTrip() {
        let body = Array(#"{"id":"evt_1"}"#.utf8)
        let header = WebhookSignature.header(secrets: ["whsec_a", "whsec_b"], timestamp: 1_736_157_607, body: body)
        #expect(header.hasPrefix("t=1736157607,v1="))
        let now = Date(timeIntervalSince1970: 1_736_157_700)
        #expect(WebhookSignature.verify(header: header, body: body, secret: "whsec_b", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_c", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body + [0x20], secret: "whsec_a", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_a", now: now.addingTimeInterval(301)))
    }
}

@Suite struct EventEnvelopeTests {
    /// The envelope is written as text around the stored object; it must still be the compact,
    /// sorted-keys JSON that every other stored body is, with the object inside `data`.
    @Test func envelopeIsCompactSortedJSONAroundTheObject() throws {
        let object = #"{"amount":25000,"id":"pay_1","status":"pending"}"#
        let record = try EventRecord(
            id: "evt_1", type: "payment.created", merchantID: "mer_\"q\"", objectID: "pay_1", createdAt: Date(timeIntervalSince1970: 1_800_000_000),
            objectJSON: object, previousAttributes: ["status": "pending"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(record.body.utf8)) as? [String: Any])
        #expect(parsed["id"] as? String == "evt_1")
        #expect(parsed["merchant_id"] as? String == "mer_\"q\"")
        #expect(parsed["created_at"] as? String == "2027-01-15T08:00:00Z")
        let data = try #require(parsed["data"] as? [String: Any])
        #expect((data["object"] as? [String: Any])?["amount"] as? Int == 25000)
        #expect(data["previous_attributes"] as? [String: String] == ["status": "pending"])
        let reencoded = try JSONSerialization.data(withJSONObject: parsed, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(String(decoding: reencoded, as: UTF8.self) == record.body)
    }
}
