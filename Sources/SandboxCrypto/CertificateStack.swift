import COpenSSL
import Foundation

/// An owned `STACK_OF(X509)` holding its own references to the certificates, for OpenSSL calls that take
/// a list of certificates. The typed `sk_X509_*` macros do not import into Swift; the generic
/// `OPENSSL_sk_*` functions they expand to do.
final class CertificateStack {
    let pointer: OpaquePointer

    init(_ certificates: [Certificate]) throws {
        pointer = try require(OPENSSL_sk_new_null(), "allocate certificate list")
        for certificate in certificates {
            X509_up_ref(certificate.pointer)
            if OPENSSL_sk_push(pointer, UnsafeRawPointer(certificate.pointer)) <= 0 {
                X509_free(certificate.pointer)
                OPENSSL_sk_pop_free(pointer, freeX509)
                throw CryptoError.fromQueue("build certificate list")
            }
        }
    }

    /// Hands the stack to OpenSSL (for the `set_*` calls that take ownership); `self` must not be used after.
    func release() -> OpaquePointer {
        released = true
        return pointer
    }

    private var released = false

    deinit { if !released { OPENSSL_sk_pop_free(pointer, freeX509) } }

    /// Copies the certificates out of a borrowed stack.
    static func read(_ stack: OpaquePointer) -> [Certificate] {
        (0..<OPENSSL_sk_num(stack)).compactMap { index in
            guard let raw = OPENSSL_sk_value(stack, index) else { return nil }
            let certificate = OpaquePointer(raw)
            X509_up_ref(certificate)
            return try? Certificate(owning: certificate)
        }
    }
}

let freeX509: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in
    X509_free(OpaquePointer(pointer))
}

/// An owned `X509_STORE` of trust anchors, optionally evaluating at a given time.
final class CertificateStore {
    let pointer: OpaquePointer
    private var released = false

    init(trusted: [Certificate], at time: Date? = nil) throws {
        pointer = try require(X509_STORE_new(), "allocate trust store")
        for certificate in trusted where X509_STORE_add_cert(pointer, certificate.pointer) != 1 {
            X509_STORE_free(pointer)
            throw CryptoError.fromQueue("add trust anchor")
        }
        if let time, let parameters = X509_STORE_get0_param(pointer) {
            X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970))
        }
    }

    func release() -> OpaquePointer {
        released = true
        return pointer
    }

    deinit { if !released { X509_STORE_free(pointer) } }
}
