import Foundation
import Testing
@testable import AgrementFAI

/// `PNPE-Signature` as a receiver must check it: raw bytes, the whole secret, constant time, a tolerance.
@Suite("webhook verification")
struct WebhookVerifierTests {
    static let secret = "whsec_test_0123456789abcdef"
    static let body = Array(#"{"id":"evt_1","type":"payment.succeeded","data":{"object":{"id":"pay_1"}}}"#.utf8)
    static let now = Date(timeIntervalSince1970: 1_736_157_607)

    var header: String { WebhookVerifier.header(secret: Self.secret, timestamp: 1_736_157_607, body: Self.body) }

    @Test func aDeliverySignedWithTheSecretIsValid() {
        #expect(WebhookVerifier.verify(header: header, body: Self.body, secret: Self.secret, now: Self.now) == .valid)
        #expect(header.hasPrefix("t=1736157607,v1=") && header.count == "t=1736157607,v1=".count + 64)
    }

    /// A known answer computed with Python's hmac module: HMAC-SHA256(key "whsec_x", message "1.{}").
    @Test func knownAnswer() {
        #expect(WebhookVerifier.header(secret: "whsec_x", timestamp: 1, body: Array("{}".utf8)) == "t=1,v1=36ee2f7498f0c1777d1312b2a7361947fe5ad31223be30d0c62421f4ca753401")
    }

    @Test func aChangedBodyOrAnotherSecretIsRefused() {
        let reserialised = Array(#"{"id": "evt_1", "type": "payment.succeeded", "data": {"object": {"id": "pay_1"}}}"#.utf8)
        #expect(WebhookVerifier.verify(header: header, body: reserialised, secret: Self.secret, now: Self.now) == .signatureMismatch)
        #expect(WebhookVerifier.verify(header: header, body: Self.body, secret: "whsec_other", now: Self.now) == .signatureMismatch)
        // The key is the whole secret, prefix included.
        #expect(WebhookVerifier.verify(header: header, body: Self.body, secret: String(Self.secret.dropFirst(6)), now: Self.now) == .signatureMismatch)
    }

    @Test func anOldTimestampIsAReplay() {
        let later = Self.now.addingTimeInterval(WebhookVerifier.toleranceSeconds + 1)
        #expect(WebhookVerifier.verify(header: header, body: Self.body, secret: Self.secret, now: later) == .timestampOutsideTolerance)
        #expect(WebhookVerifier.verify(header: header, body: Self.body, secret: Self.secret, now: Self.now.addingTimeInterval(299)) == .valid)
    }

    @Test func missingOrMalformedHeaders() {
        #expect(WebhookVerifier.verify(header: nil, body: Self.body, secret: Self.secret, now: Self.now) == .missingHeader)
        #expect(WebhookVerifier.verify(header: "v1=abc", body: Self.body, secret: Self.secret, now: Self.now) == .malformed)
        #expect(WebhookVerifier.verify(header: "t=1736157607", body: Self.body, secret: Self.secret, now: Self.now) == .malformed)
        #expect(WebhookVerifier.verify(header: "t=1736157607,v1=zz", body: Self.body, secret: Self.secret, now: Self.now) == .signatureMismatch)
    }

    /// During a secret rotation the header carries one `v1` per secret; either may match.
    @Test func anyOfSeveralSignaturesMayMatch() {
        let other = WebhookVerifier.header(secret: "whsec_old", timestamp: 1_736_157_607, body: Self.body)
        let both = other + "," + header.split(separator: ",")[1]
        #expect(WebhookVerifier.verify(header: both, body: Self.body, secret: Self.secret, now: Self.now) == .valid)
    }
}
