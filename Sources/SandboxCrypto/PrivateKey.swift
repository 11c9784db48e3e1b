import COpenSSL
import Foundation

/// A private key held in memory. Loaded once and shared: OpenSSL keys are safe to use for signing from
/// several threads at once, and re-parsing a key per request is a known OpenSSL 3 slowdown.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Reused signing contexts; nil for key types that sign the message rather than a digest.
    private let signingContexts: SignatureContexts?

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
        signingContexts = SignatureContexts(key: pointer, operation: .sign)
    }

    deinit { EVP_PKEY_free(pointer) }

    /// Generates a fresh key pair.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> PrivateKey {
        clearOpenSSLErrors()
        let typeName = algorithm.isEllipticCurve ? "EC" : "RSA"
        let context = try require(EVP_PKEY_CTX_new_from_name(nil, typeName, nil), "create key generation context")
        defer { EVP_PKEY_CTX_free(context) }
        try check(EVP_PKEY_keygen_init(context), "initialise key generation")
        switch algorithm {
        case .ecdsaP256: try check(EVP_PKEY_CTX_set_group_name(context, "P-256"), "select curve P-256")
        case .ecdsaP384: try check(EVP_PKEY_CTX_set_group_name(context, "P-384"), "select curve P-384")
        case .rsa(let bits): try check(EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)), "set RSA key size")
        }
        var key: OpaquePointer?
        try check(EVP_PKEY_generate(context, &key), "generate \(algorithm.name) key")
        return PrivateKey(owning: try require(key, "generate \(algorithm.name) key"))
    }

    /// Parses an unencrypted PEM private key (PKCS#8 `PRIVATE KEY`, or the traditional `EC`/`RSA` forms).
    /// An encrypted key is refused with a clear error rather than prompting on the terminal, which is what
    /// OpenSSL does by default when no password callback is given.
    public convenience init(pem: String) throws {
        clearOpenSSLErrors()
        if pem.contains("ENCRYPTED") {
            throw CryptoError("parse private key", reasons: ["the key is encrypted; give it unencrypted (openssl pkey -in key.pem -out plain.pem)"])
        }
        let key = try OpenSSLBuffers.withReadBIO(Array(pem.utf8)) { bio in
            try require(PEM_read_bio_PrivateKey(bio, nil, refusePassword, nil), "parse PEM private key")
        }
        self.init(owning: key)
    }

    /// Parses a DER private key (PKCS#8 or traditional).
    public convenience init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        let key = try OpenSSLBuffers.decode(der, "parse DER private key") { cursor, length in d2i_AutoPrivateKey(nil, cursor, length) }
        self.init(owning: key)
    }

    /// Unencrypted PKCS#8 PEM, the form `openssl genpkey` writes.
    public func pkcs8PEM() throws -> String {
        clearOpenSSLErrors()
        let bytes = try OpenSSLBuffers.collect("encode private key") { bio in
            PEM_write_bio_PKCS8PrivateKey(bio, pointer, nil, nil, 0, nil, nil)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        // Round-trip through SubjectPublicKeyInfo so the public key owns no private material.
        if let der = try? OpenSSLBuffers.der("encode public key", { i2d_PUBKEY(pointer, $0) }),
            let key = try? PublicKey(spkiDER: der)
        {
            return key
        }
        EVP_PKEY_up_ref(pointer)
        return PublicKey(owning: pointer)
    }

    /// The key type and size, or nil for a type the sandbox does not handle.
    public var algorithm: KeyAlgorithm? { KeyInspection.algorithm(of: pointer) }

    /// Signs `data` (hashing it with `digest`): DER `ECDSA-Sig-Value` for EC keys, PKCS#1 v1.5 for RSA.
    public func sign(_ data: [UInt8], digest: DigestAlgorithm) throws -> [UInt8] {
        if let signingContexts { return try signingContexts.sign(data, digest: digest) }
        clearOpenSSLErrors()
        let context = try require(EVP_MD_CTX_new(), "create signing context")
        defer { EVP_MD_CTX_free(context) }
        try check(EVP_DigestSignInit(context, nil, digest.md, nil, pointer), "initialise signature")
        var length = 0
        try check(EVP_DigestSign(context, nil, &length, data, data.count), "size signature")
        var signature = [UInt8](repeating: 0, count: length)
        try check(EVP_DigestSign(context, &signature, &length, data, data.count), "sign")
        return Array(signature.prefix(length))
    }
}

/// A PEM password callback that always fails, so OpenSSL never prompts on the terminal.
private let refusePassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in
    -1
}
