import COpenSSL
import Foundation

/// Signing with a key the sandbox never sees (a smart card, an HSM, a browser's WebCrypto key): the
/// SignerInfo is built here, the caller signs its signed attributes, and the value is put back in.
/// This is the "data to sign" flow of signature services such as the EU DSS.
extension CAdESSignature {
    /// Step 1: a detached CAdES signature complete but for its signature value.
    /// - Parameters:
    ///   - digest: the document's hash under `digestAlgorithm`.
    ///   - signer: the certificate of the caller's key; `chain` its issuers, embedded for verifiers.
    public static func prepare(
        digest: [UInt8], digestAlgorithm: DigestAlgorithm, signer: Certificate, chain: [Certificate], signingTime: Date
    ) throws -> CAdESSignature {
        // The certificate's own public key stands in for the private key OpenSSL asks for but does not use
        // until signing; Certificate guarantees the key is there.
        guard let publicKey = X509_get0_pubkey(signer.pointer) else { throw CryptoError("prepare signature", reasons: ["no public key"]) }
        let built = try unsigned(digest: digest, digestAlgorithm: digestAlgorithm, signer: signer, key: publicKey, chain: chain, signingTime: signingTime)
        // Read back from DER: OpenSSL keeps the signed attributes in insertion order until it signs (which
        // sorts them in place), and verifies them in stored order; parsing gives the sorted, DER order.
        return try CAdESSignature(der: try built.der)
    }

    /// The bytes the caller's key signs (RFC 5652 §5.4): the DER of the signed attributes as a SET OF,
    /// sorted as DER requires, which is also how OpenSSL encodes and verifies them.
    public var dataToSign: [UInt8] {
        get throws {
            var encodings: [[UInt8]] = []
            for index in 0..<CMS_signed_get_attr_count(signerInfo) {
                let attribute = try require(CMS_signed_get_attr(signerInfo, index), "read signed attribute")
                encodings.append(try OpenSSLBuffers.der("encode signed attribute") { i2d_X509_ATTRIBUTE(attribute, $0) })
            }
            guard !encodings.isEmpty else { throw CryptoError("data to sign", reasons: ["the SignerInfo has no signed attributes"]) }
            encodings.sort(by: Self.derSetOrder)
            return DER.wrap(tag: 0x31, encodings.flatMap { $0 })
        }
    }

    /// DER SET OF order as OpenSSL applies it: bytewise over the common length, then shorter first.
    static func derSetOrder(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        for (left, right) in zip(lhs, rhs) where left != right { return left < right }
        return lhs.count < rhs.count
    }

    /// Step 2: puts the caller's signature value in and checks it against `signer`'s key.
    ///
    /// ECDSA values are accepted as DER `ECDSA-Sig-Value` (what OpenSSL, Java and PKCS#11 wrappers give) or
    /// as raw r‖s (what WebCrypto and JOSE libraries give); the SignerInfo always holds DER.
    /// - Throws: ``CryptoError`` when the value does not verify over ``dataToSign`` with `signer`'s key.
    public func insertSignatureValue(_ value: [UInt8], signer: Certificate) throws {
        clearOpenSSLErrors()
        var candidates = [value]
        let half: Int? = switch signer.publicKey.algorithm {
        case .ecdsaP256: 32
        case .ecdsaP384: 48
        default: nil
        }
        if let half, value.count == 2 * half, let der = try? JWSSigner.derECDSA(fromRaw: value) { candidates.append(der) }
        // Checked with the bare key first, so that a wrong value never touches the SignerInfo; then once more
        // the way CMS verifiers will.
        let signedBytes = try dataToSign
        let digest = digestAlgorithm ?? .sha256
        let publicKey = signer.publicKey
        if let accepted = candidates.first(where: { publicKey.verify(signature: $0, for: signedBytes, digest: digest) }) {
            let slot = try require(CMS_SignerInfo_get0_signature(signerInfo), "signature value")
            try check(ASN1_STRING_set(slot, accepted, Int32(accepted.count)), "set signature value")
            if isSignatureValid(with: signer) { return }
            try check(ASN1_STRING_set(slot, nil, 0), "clear signature value")
        }
        throw CryptoError(
            "insert signature value",
            reasons: ["the value does not verify over the data to sign with the signing certificate's key (\(signer.publicKey.algorithmDescription))"])
    }
}

/// The little DER writing the sandbox does by hand.
enum DER {
    /// `tag`, the DER length of `content`, then `content`.
    static func wrap(tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var remaining = content.count
            while remaining > 0 {
                length.insert(UInt8(remaining & 0xFF), at: 0)
                remaining >>= 8
            }
            length.insert(0x80 | UInt8(length.count), at: 0)
        }
        return [tag] + length + content
    }
}
