import COpenSSL
import Foundation

/// The outcome of building and checking a certification path with OpenSSL (RFC 5280), without revocation:
/// revocation is judged separately, with proof-of-existence rules OpenSSL does not know.
public struct PathValidationResult: Sendable {
    /// 0 when the path is valid, otherwise OpenSSL's `X509_V_ERR_*` code.
    public let errorCode: Int32
    /// OpenSSL's text for the code, e.g. "unable to get local issuer certificate".
    public let errorText: String
    /// The path found, leaf first (as far as OpenSSL got).
    public let chain: [Certificate]

    public var isValid: Bool { errorCode == 0 }

    /// No path to a trust anchor (X509_V_ERR 2, 18, 19, 20).
    public var isUntrusted: Bool { [2, 18, 19, 20].contains(errorCode) }
    /// A certificate of the path is expired or not yet valid at the time checked (9, 10).
    public var isOutOfValidity: Bool { [9, 10].contains(errorCode) }
}

public enum PathValidation {
    /// Verifies `certificate` up to one of `trustAnchors`, with `intermediates` as untrusted helpers, at `time`.
    public static func verify(_ certificate: Certificate, trustAnchors: [Certificate], intermediates: [Certificate], at time: Date) throws -> PathValidationResult {
        clearOpenSSLErrors()
        let store = try CertificateStore(trusted: trustAnchors)
        let untrusted = try CertificateStack(intermediates)
        // OpenSSL holds raw pointers to both until X509_verify_cert returns: keep the owners alive until then.
        defer { withExtendedLifetime((store, untrusted)) {} }
        let context = try require(X509_STORE_CTX_new(), "allocate verification context")
        defer { X509_STORE_CTX_free(context) }
        try check(X509_STORE_CTX_init(context, store.pointer, certificate.pointer, untrusted.pointer), "initialise verification")
        X509_STORE_CTX_set_time(context, 0, time_t(time.timeIntervalSince1970))
        let verified = X509_verify_cert(context)
        let code = verified == 1 ? 0 : X509_STORE_CTX_get_error(context)
        var chain: [Certificate] = []
        if let stack = X509_STORE_CTX_get1_chain(context) {
            chain = CertificateStack.read(stack)
            OPENSSL_sk_pop_free(stack, freeX509)
        }
        clearOpenSSLErrors()
        return PathValidationResult(
            errorCode: code, errorText: String(cString: X509_verify_cert_error_string(Int(code))), chain: chain.isEmpty ? [certificate] : chain)
    }
}
