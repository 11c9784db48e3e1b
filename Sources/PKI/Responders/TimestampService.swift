import Foundation
import SandboxCore
import SandboxCrypto

/// The RFC 3161 time-stamping authority of the sandbox, driven by the sandbox clock so that labs can
/// produce timestamps "before" or "after" a revocation.
struct TimestampService: Sendable {
    let authority: TimestampAuthority
    let clock: any SandboxClock

    init(trust: TrustMaterial, policy: String, clock: any SandboxClock) throws {
        authority = try TimestampAuthority(
            certificate: trust.tsa, key: trust.tsaKey, chain: trust.chain, policy: policy, accuracySeconds: 1)
        self.clock = clock
    }

    /// Answers a DER TimeStampReq. A body that is not a TimeStampReq is a client error (400, naming the
    /// body); a well-formed request the TSA will not honour (SHA-1, unknown policy) gets the RFC's
    /// `rejection` response, which is what RFC 3161 clients expect to parse.
    func respond(to der: [UInt8]) throws -> (response: [UInt8], request: TimestampRequest) {
        let request: TimestampRequest
        do {
            request = try TimestampRequest(der: der)
        } catch {
            throw Problem.badRequest(
                field: "body",
                detail: "not a DER TimeStampReq (RFC 3161): \(error). Make one with `openssl ts -query -data FILE -sha256 -cert -out query.tsq`")
        }
        let response = try authority.respond(to: der, at: clock.now(), serialNumber: .random())
        return (response, request)
    }

    /// A token for a digest computed by the caller (the JSON convenience endpoint).
    func token(digestAlgorithm: DigestAlgorithm, digest: [UInt8]) throws -> (TimestampToken, TimestampResponse) {
        let request = try TimestampRequest.create(digestAlgorithm: digestAlgorithm, digest: digest, includeNonce: true, requestCertificate: true)
        let response = try TimestampResponse(der: authority.respond(to: request.der, at: clock.now(), serialNumber: .random()))
        guard let token = response.token else {
            throw Problem.badRequest(
                field: "digestAlgorithm",
                detail: "the TSA refused the request: \(response.statusText.joined(separator: "; "))")
        }
        return (token, response)
    }
}
