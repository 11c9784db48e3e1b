import COpenSSL
import Foundation

/// PKCS#12 bundles, for tools that want a key and its certificate in one password-protected file.
public enum PKCS12 {
    /// Packs a key, its certificate and the chain with OpenSSL 3's algorithms (AES-256-CBC, PBKDF2,
    /// HMAC-SHA256 MAC) and 2048 iterations for both key derivation and MAC, as `openssl pkcs12 -export` does.
    public static func export(
        key: PrivateKey, certificate: Certificate, chain: [Certificate], password: String, friendlyName: String
    ) throws -> [UInt8] {
        clearOpenSSLErrors()
        let stack = try CertificateStack(chain)
        defer { withExtendedLifetime(stack) {} }
        let bundle = try require(
            PKCS12_create(
                password, friendlyName, key.pointer, certificate.pointer, stack.pointer, 0, 0, PKCS12_DEFAULT_ITER, PKCS12_DEFAULT_ITER, 0),
            "create PKCS#12")
        defer { PKCS12_free(bundle) }
        return try OpenSSLBuffers.der("encode PKCS#12") { i2d_PKCS12(bundle, $0) }
    }
}
