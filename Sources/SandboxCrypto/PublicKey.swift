import COpenSSL
import Foundation

/// A public key (an `EVP_PKEY` without its private half). Immutable and reference-counted by OpenSSL, so it
/// may be shared across threads.
public final class PublicKey: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Reused verification contexts; nil for key types that verify the message rather than a digest.
    private let verificationContexts: SignatureContexts?

    /// Takes ownership of `pointer`.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
        verificationContexts = SignatureContexts(key: pointer, operation: .verify)
    }

    deinit { EVP_PKEY_free(pointer) }

    /// Parses a DER SubjectPublicKeyInfo.
    public convenience init(spkiDER: [UInt8]) throws {
        let key = try OpenSSLBuffers.decode(spkiDER, "parse public key") { cursor, length in d2i_PUBKEY(nil, cursor, length) }
        self.init(owning: key)
    }

    /// Parses a PEM `PUBLIC KEY`.
    public convenience init(pem: String) throws {
        clearOpenSSLErrors()
        let key = try OpenSSLBuffers.withReadBIO(Array(pem.utf8)) { bio in
            try require(PEM_read_bio_PUBKEY(bio, nil, nil, nil), "parse PEM public key")
        }
        self.init(owning: key)
    }

    /// DER SubjectPublicKeyInfo.
    public var spkiDER: [UInt8] {
        (try? OpenSSLBuffers.der("encode public key") { i2d_PUBKEY(pointer, $0) }) ?? []
    }

    public var pem: String {
        PEM.encode(spkiDER, label: "PUBLIC KEY")
    }

    /// The key type and size, or nil for a type the sandbox does not handle (e.g. Ed25519 or P-192).
    public var algorithm: KeyAlgorithm? { KeyInspection.algorithm(of: pointer) }

    /// A readable name even for keys we do not accept ("EC secp192r1", "ED25519").
    public var algorithmDescription: String { KeyInspection.describe(pointer) }

    /// Verifies a signature made with ``PrivateKey/sign(_:digest:)`` (DER ECDSA or PKCS#1 v1.5).
    public func verify(signature: [UInt8], for data: [UInt8], digest: DigestAlgorithm) -> Bool {
        if let verificationContexts { return verificationContexts.verify(signature, for: data, digest: digest) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, digest.md, nil, pointer) == 1 else {
            clearOpenSSLErrors()
            return false
        }
        let result = EVP_DigestVerify(context, signature, signature.count, data, data.count)
        clearOpenSSLErrors()
        return result == 1
    }

    /// Whether this key is the public half of `privateKey`.
    public func matches(_ privateKey: PrivateKey) -> Bool {
        EVP_PKEY_eq(pointer, privateKey.pointer) == 1
    }
}

/// Reads the type and size of an `EVP_PKEY`.
enum KeyInspection {
    static func algorithm(of key: OpaquePointer) -> KeyAlgorithm? {
        switch EVP_PKEY_get_base_id(key) {
        case NID_rsaEncryption:
            let bits = Int(EVP_PKEY_get_bits(key))
            return [2048, 3072, 4096].contains(bits) ? .rsa(bits: bits) : nil
        case NID_X9_62_id_ecPublicKey:
            switch groupName(key) {
            case "prime256v1", "P-256": return .ecdsaP256
            case "secp384r1", "P-384": return .ecdsaP384
            default: return nil
            }
        default:
            return nil
        }
    }

    static func describe(_ key: OpaquePointer) -> String {
        switch EVP_PKEY_get_base_id(key) {
        case NID_rsaEncryption: return "RSA-\(EVP_PKEY_get_bits(key))"
        case NID_X9_62_id_ecPublicKey: return "EC \(groupName(key) ?? "unknown curve")"
        case let id: return OBJ_nid2sn(id).map { String(cString: $0) } ?? "unknown key type"
        }
    }

    static func groupName(_ key: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 else {
            clearOpenSSLErrors()
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
