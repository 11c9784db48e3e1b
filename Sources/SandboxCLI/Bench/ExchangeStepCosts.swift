import Foundation
import SandboxCore
import SandboxCrypto
import XRoad

/// What one exchange's own work costs, each step timed alone on one core: sealing and opening the signed
/// envelope (each side does both once) and a message-log write (four per exchange). Printed by
/// `sandbox bench xroad` beside the end-to-end figures, so that a change shows where it helps.
enum ExchangeStepCosts {
    struct Figures {
        let seal: Duration
        let open: Duration
        let logWrite: Duration
    }

    /// - Parameter keys: a security server's key folder (`<data>/xroad/ss-arcep/keys`), enrolled by the running sandbox.
    static func measure(keys: URL, member: XRoadClientID, scratch: URL, iterations: Int = 2000) throws -> Figures {
        let file = "sign-\(member.memberClass)-\(member.memberCode)"
        let key = try PrivateKey(pem: String(contentsOf: keys.appendingPathComponent("\(file).key"), encoding: .utf8))
        let certificates = try Certificate.parseChain(pem: String(contentsOf: keys.appendingPathComponent("\(file).pem"), encoding: .utf8))
        let signer = SigningIdentity(member: member, certificate: certificates[0], key: key, chain: Array(certificates.dropFirst()))
        let root = certificates.last!
        let request = Array("GET /r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies?rccm=RB%2FCOT%2F24%20B%2000042\r\nx-road-client:BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI\r\n".utf8)
        let body = Array(repeating: UInt8(ascii: "x"), count: 600)
        let parts = [MultipartMessage.Part(contentType: RestEnvelopeParts.request, body: request), .init(contentType: RestEnvelopeParts.body, body: body)]
        let trusted = TrustedSigners()
        let sealed = try SignedEnvelope.sealAlone(parts, by: signer, at: Date())
        let encoded = sealed.encoded()

        let seal = try time(iterations) { _ = try SignedEnvelope.sealAlone(parts, by: signer, at: Date()) }
        let open = try time(iterations) {
            let message = try MultipartMessage.decode(encoded, contentTypeHeader: sealed.contentType)
            _ = try SignedEnvelope.open(message, trustAnchor: root, intermediates: Array(certificates.dropFirst()), at: Date(), trustedSigners: trusted)
        }
        let log = try MessageLog(url: scratch.appendingPathComponent("bench-messagelog.sqlite"), clock: SystemClock())
        let proof = SignedEnvelope.proof(of: sealed)
        let client = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let provider = try XRoadClientID.parse("BJ-SANDBOX/GOV/APIEX/RCCM")
        // Random query ids, as exchanges have.
        let logWrite = try time(iterations) {
            try log.append(
                MessageLog.Entry(
                    queryID: Identifier.uuid(), requestID: "bench", isResponse: false, client: client, provider: provider,
                    service: "BJ-SANDBOX/GOV/APIEX/RCCM/companies", message: request, attachment: body, manifest: proof.manifest,
                    signature: proof.signature, status: nil))
        }
        return Figures(seal: seal, open: open, logWrite: logWrite)
    }

    /// Median of five rounds of `iterations / 5` calls, per call.
    private static func time(_ iterations: Int, _ body: () throws -> Void) throws -> Duration {
        let round = max(1, iterations / 5)
        var rounds: [Duration] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            for _ in 0..<round { try body() }
            rounds.append((ContinuousClock.now - start) / round)
        }
        return rounds.sorted()[2]
    }
}
