import COpenSSL
import Synchronization

/// Initialised OpenSSL contexts for signing or verifying with one key, kept for reuse.
///
/// `EVP_DigestSignInit` and `EVP_DigestVerifyInit` look the algorithm up in OpenSSL 3's provider store on
/// every call (locks, a hash lookup, a fresh context): on the X-Road exchange path under load, where each
/// message is signed once and verified once, that was about a quarter of a P-256 signature's time (a
/// profile of `sandbox up`; 15 % on an idle core). A context that has been set up
/// once (`EVP_PKEY_sign_init` or `EVP_PKEY_verify_init`, with the digest named for PKCS#1 v1.5) signs or
/// verifies any number of digests; it is not safe to share between threads, hence a small pool of them.
///
/// Only EC and RSA keys take this path: their signatures are over a digest the caller computes. Other key
/// types (Ed25519, which signs the message itself) return nil from ``init(key:operation:)`` and keep the
/// one-shot `EVP_DigestSign*` calls.
final class SignatureContexts: @unchecked Sendable {
    enum Operation { case sign, verify }

    /// Contexts kept per digest beyond this are freed: more than the threads that sign at once is waste.
    static let keptPerDigest = 8

    /// Not owned: the ``PrivateKey`` or ``PublicKey`` holding this pool owns the key and outlives the pool.
    private let key: OpaquePointer
    private let operation: Operation
    /// An `EVP_PKEY_CTX` handed from thread to thread: only ever used by the one holding it.
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }
    /// Idle contexts by digest, taken out while in use.
    private let idle = Mutex<[DigestAlgorithm: [Context]]>([:])

    init?(key: OpaquePointer, operation: Operation) {
        switch EVP_PKEY_get_base_id(key) {
        case NID_X9_62_id_ecPublicKey, NID_rsaEncryption: break
        default: return nil
        }
        self.key = key
        self.operation = operation
    }

    deinit {
        for contexts in idle.withLock({ $0.values }) {
            for context in contexts { EVP_PKEY_CTX_free(context.pointer) }
        }
    }

    /// Signs the digest of `data` (DER `ECDSA-Sig-Value`, or PKCS#1 v1.5 with the digest's `DigestInfo`).
    func sign(_ data: [UInt8], digest: DigestAlgorithm) throws -> [UInt8] {
        let hash = digest.hash(data)
        return try withContext(digest) { context in
            var length = 0
            try check(EVP_PKEY_sign(context, nil, &length, hash, hash.count), "size signature")
            var signature = [UInt8](repeating: 0, count: length)
            try check(EVP_PKEY_sign(context, &signature, &length, hash, hash.count), "sign")
            return Array(signature.prefix(length))
        }
    }

    /// Whether `signature` is this key's over the digest of `data`; false for any malformed input.
    func verify(_ signature: [UInt8], for data: [UInt8], digest: DigestAlgorithm) -> Bool {
        let hash = digest.hash(data)
        let valid = try? withContext(digest) { context -> Bool in
            switch EVP_PKEY_verify(context, signature, signature.count, hash, hash.count) {
            case 1: return true
            case 0: return false
            // Not a mismatch but an error (a signature that is not DER, say): the context goes, not back.
            default: throw CryptoError("verify")
            }
        }
        clearOpenSSLErrors()
        return valid == true
    }

    /// Lends an initialised context, then puts it back unless it failed (a failed context is freed, so
    /// that no error state carries over to the next call).
    private func withContext<T>(_ digest: DigestAlgorithm, _ body: (OpaquePointer) throws -> T) throws -> T {
        clearOpenSSLErrors()
        let context = try idle.withLock { $0[digest]?.popLast() } ?? Context(pointer: makeContext(digest))
        let result: T
        do {
            result = try body(context.pointer)
        } catch {
            EVP_PKEY_CTX_free(context.pointer)
            throw error
        }
        let kept = idle.withLock { idle -> Bool in
            guard idle[digest, default: []].count < Self.keptPerDigest else { return false }
            idle[digest, default: []].append(context)
            return true
        }
        if !kept { EVP_PKEY_CTX_free(context.pointer) }
        return result
    }

    private func makeContext(_ digest: DigestAlgorithm) throws -> OpaquePointer {
        let context = try require(EVP_PKEY_CTX_new(key, nil), "create \(operation) context")
        do {
            switch operation {
            case .sign: try check(EVP_PKEY_sign_init(context), "initialise signature")
            case .verify: try check(EVP_PKEY_verify_init(context), "initialise verification")
            }
            // RSA needs the digest to build PKCS#1 v1.5's DigestInfo; for ECDSA it checks the hash length.
            try check(EVP_PKEY_CTX_set_signature_md(context, digest.md), "select digest \(digest.rawValue)")
        } catch {
            EVP_PKEY_CTX_free(context)
            throw error
        }
        return context
    }
}
