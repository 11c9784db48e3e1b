import COpenSSL
import COpenSSLShims
import Foundation

/// The signing side of an RFC 3161 time-stamping authority. Holds the TSA's certificate and key (loaded
/// once); each response gets its own `TS_RESP_CTX`, because a context is not safe to share between threads.
public final class TimestampAuthority: Sendable {
    public let certificate: Certificate
    let key: PrivateKey
    /// Certificates added to the token when the client sets certReq (the TSA's chain up to the root).
    public let chain: [Certificate]
    /// The policy OID written in every token (`2.999.1.1` in the sandbox).
    public let policy: String
    public let accuracySeconds: Int
    public let acceptedDigests: [DigestAlgorithm]

    /// - Throws: when the certificate cannot sign timestamps (OpenSSL insists on a critical timeStamping
    ///   extended key usage, and so do validators).
    public init(
        certificate: Certificate, key: PrivateKey, chain: [Certificate], policy: String,
        accuracySeconds: Int = 1, acceptedDigests: [DigestAlgorithm] = [.sha256, .sha384, .sha512]
    ) throws {
        guard certificate.publicKey.matches(key) else {
            throw CryptoError("configure TSA", reasons: ["the TSA key does not match its certificate"])
        }
        self.certificate = certificate
        self.key = key
        self.chain = chain
        self.policy = policy
        self.accuracySeconds = accuracySeconds
        self.acceptedDigests = acceptedDigests
        // Fail at start-up rather than on the first request if the certificate is unsuitable.
        let context = try makeContext()
        TS_RESP_CTX_free(context)
    }

    /// Answers a DER TimeStampReq with a DER TimeStampResp. Requests OpenSSL cannot accept (unsupported
    /// hash, unknown policy) get a signed-less `rejection` response, as RFC 3161 §2.4.2 prescribes.
    /// - Parameters:
    ///   - time: genTime, from the sandbox clock.
    ///   - serialNumber: unique per token.
    public func respond(to request: [UInt8], at time: Date, serialNumber: SerialNumber) throws -> [UInt8] {
        clearOpenSSLErrors()
        let context = try makeContext()
        defer { TS_RESP_CTX_free(context) }
        let seconds = time.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let response = try OpenSSLBuffers.withReadBIO(request) { bio in
            try require(
                cshim_ts_create_response(context, bio, Int(whole), Int((seconds - whole) * 1_000_000),
                                         serialNumber.bytes, Int32(serialNumber.bytes.count)),
                "create timestamp response")
        }
        defer { TS_RESP_free(response) }
        return try OpenSSLBuffers.der("encode timestamp response") { i2d_TS_RESP(response, $0) }
    }

    private func makeContext() throws -> OpaquePointer {
        let context = try require(TS_RESP_CTX_new(), "allocate TSA context")
        do {
            try check(TS_RESP_CTX_set_signer_cert(context, certificate.pointer), "set TSA certificate (it needs a critical timeStamping EKU)")
            try check(TS_RESP_CTX_set_signer_key(context, key.pointer), "set TSA key")
            try check(TS_RESP_CTX_set_signer_digest(context, (key.algorithm?.signingDigest ?? .sha256).md), "set TSA signing digest")
            let policyObject = try require(OBJ_txt2obj(policy, 1), "parse TSA policy \(policy)")
            defer { ASN1_OBJECT_free(policyObject) }
            try check(TS_RESP_CTX_set_def_policy(context, policyObject), "set TSA policy")
            let stack = try CertificateStack(chain)
            defer { withExtendedLifetime(stack) {} }
            try check(TS_RESP_CTX_set_certs(context, stack.pointer), "set TSA chain")
            for digest in acceptedDigests { try check(TS_RESP_CTX_add_md(context, digest.md), "accept \(digest.rawValue)") }
            try check(TS_RESP_CTX_set_accuracy(context, Int32(accuracySeconds), 0, 0), "set accuracy")
            try check(TS_RESP_CTX_set_ess_cert_id_digest(context, DigestAlgorithm.sha256.md), "use ESSCertIDv2")
            TS_RESP_CTX_add_flags(context, Int32(TS_TSA_NAME))
            return context
        } catch {
            TS_RESP_CTX_free(context)
            throw error
        }
    }
}
