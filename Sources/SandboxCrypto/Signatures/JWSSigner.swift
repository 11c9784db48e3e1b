import COpenSSL
import Foundation

/// JWS signatures (RFC 7515) with the key types the sandbox uses: ES256 / ES384 (raw r‖s, RFC 7518 §3.4,
/// not OpenSSL's DER `ECDSA-Sig-Value`) and RS256.
public enum JWSSigner {
    /// The JOSE `alg` for a key, or nil when the key type has none we support.
    public static func algorithm(for key: KeyAlgorithm) -> String {
        switch key {
        case .ecdsaP256: "ES256"
        case .ecdsaP384: "ES384"
        case .rsa: "RS256"
        }
    }

    /// Signs `signingInput` (ASCII `BASE64URL(header).BASE64URL(payload)`) and returns the JWS signature bytes.
    public static func sign(_ signingInput: [UInt8], key: PrivateKey) throws -> [UInt8] {
        guard let algorithm = key.algorithm else { throw CryptoError("JWS", reasons: ["unsupported key type"]) }
        let digest: DigestAlgorithm = algorithm == .ecdsaP384 ? .sha384 : .sha256
        let signature = try key.sign(signingInput, digest: digest)
        switch algorithm {
        case .ecdsaP256: return try rawECDSA(fromDER: signature, length: 32)
        case .ecdsaP384: return try rawECDSA(fromDER: signature, length: 48)
        case .rsa: return signature
        }
    }

    /// Verifies a JWS signature made by ``sign(_:key:)``.
    public static func verify(_ signature: [UInt8], signingInput: [UInt8], key: PublicKey) -> Bool {
        guard let algorithm = key.algorithm else { return false }
        switch algorithm {
        case .ecdsaP256, .ecdsaP384:
            let length = algorithm == .ecdsaP256 ? 32 : 48
            guard signature.count == 2 * length, let der = try? derECDSA(fromRaw: signature) else { return false }
            return key.verify(signature: der, for: signingInput, digest: algorithm == .ecdsaP256 ? .sha256 : .sha384)
        case .rsa:
            return key.verify(signature: signature, for: signingInput, digest: .sha256)
        }
    }

    /// DER `ECDSA-Sig-Value` → fixed-length r‖s.
    static func rawECDSA(fromDER der: [UInt8], length: Int) throws -> [UInt8] {
        let signature = try OpenSSLBuffers.decode(der, "parse ECDSA signature") { cursor, count in d2i_ECDSA_SIG(nil, cursor, count) }
        defer { ECDSA_SIG_free(signature) }
        var r: OpaquePointer?
        var s: OpaquePointer?
        ECDSA_SIG_get0(signature, &r, &s)
        var raw = [UInt8](repeating: 0, count: 2 * length)
        guard let r, let s,
            raw.withUnsafeMutableBufferPointer({ buffer in
                BN_bn2binpad(r, buffer.baseAddress, Int32(length)) == Int32(length)
                    && BN_bn2binpad(s, buffer.baseAddress! + length, Int32(length)) == Int32(length)
            })
        else { throw CryptoError.fromQueue("convert ECDSA signature") }
        return raw
    }

    /// Fixed-length r‖s → DER `ECDSA-Sig-Value`.
    static func derECDSA(fromRaw raw: [UInt8]) throws -> [UInt8] {
        let half = raw.count / 2
        let signature = try require(ECDSA_SIG_new(), "allocate ECDSA signature")
        defer { ECDSA_SIG_free(signature) }
        guard let r = BN_bin2bn(raw, Int32(half), nil) else { throw CryptoError.fromQueue("read r") }
        guard let s = raw.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress! + half, Int32(half), nil) }) else {
            BN_free(r)
            throw CryptoError.fromQueue("read s")
        }
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            throw CryptoError.fromQueue("build ECDSA signature")
        }
        return try OpenSSLBuffers.der("encode ECDSA signature") { i2d_ECDSA_SIG(signature, $0) }
    }
}

/// Base64url without padding (RFC 7515 §2).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map { [UInt8]($0) }
    }
}
