import COpenSSL
import Foundation

/// A detached CAdES signature (CMS SignedData without its content, ETSI EN 319 122-1): what `openssl cms
/// -sign -binary -cades` makes, plus, at level B-T, a signature timestamp.
public final class CAdESSignature: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`, also when it throws.
    init(owning pointer: OpaquePointer) throws {
        guard let infos = CMS_get0_SignerInfos(pointer), OPENSSL_sk_num(infos) > 0 else {
            CMS_ContentInfo_free(pointer)
            throw CryptoError("read CMS signature", reasons: ["no SignerInfo"])
        }
        self.pointer = pointer
    }

    deinit { CMS_ContentInfo_free(pointer) }

    public convenience init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        let cms = try OpenSSLBuffers.decode(der, "parse CMS signature") { cursor, length in d2i_CMS_ContentInfo(nil, cursor, length) }
        try self.init(owning: cms)
    }

    /// DER, the content of a `.p7s` file.
    public var der: [UInt8] {
        get throws { try OpenSSLBuffers.der("encode CMS signature") { i2d_CMS_ContentInfo(pointer, $0) } }
    }

    var signerInfo: OpaquePointer {
        // Non-empty: checked at construction.
        OpaquePointer(OPENSSL_sk_value(CMS_get0_SignerInfos(pointer), 0))!
    }

    /// The signature value of the (first) signer: what a signature timestamp is computed over.
    public var signatureValue: [UInt8] {
        asn1Bytes(CMS_SignerInfo_get0_signature(signerInfo))
    }

    /// Creates a detached CAdES-B-B signature.
    /// - Parameters:
    ///   - digest: the hash of the document under `digestAlgorithm` (the document itself never has to be here).
    ///   - signer: the signing certificate; `chain` its issuers, embedded so verifiers can build the path.
    ///   - signingTime: from the sandbox clock, written as the signingTime attribute.
    public static func sign(
        digest: [UInt8], digestAlgorithm: DigestAlgorithm, signer: Certificate, key: PrivateKey, chain: [Certificate], signingTime: Date
    ) throws -> CAdESSignature {
        guard signer.publicKey.matches(key) else { throw CryptoError("sign", reasons: ["the key does not match the signing certificate"]) }
        let signature = try unsigned(
            digest: digest, digestAlgorithm: digestAlgorithm, signer: signer, key: key.pointer, chain: chain, signingTime: signingTime)
        try check(CMS_SignerInfo_sign(signature.signerInfo), "sign CMS SignerInfo")
        return signature
    }

    /// A SignedData whose SignerInfo has its CAdES signed attributes (contentType, messageDigest,
    /// signingTime, signingCertificateV2) and no signature value yet.
    /// - Parameter key: the signer's private key, or only its public key when the signature value will come
    ///   from elsewhere (OpenSSL checks that the key matches the certificate, which a public key does).
    static func unsigned(
        digest: [UInt8], digestAlgorithm: DigestAlgorithm, signer: Certificate, key: OpaquePointer, chain: [Certificate], signingTime: Date
    ) throws -> CAdESSignature {
        clearOpenSSLErrors()
        guard digest.count == digestAlgorithm.length else {
            throw CryptoError("sign", reasons: ["a \(digestAlgorithm.rawValue) digest has \(digestAlgorithm.length) bytes, not \(digest.count)"])
        }
        // CMS_CADES makes OpenSSL add signingCertificateV2; CMS_PARTIAL stops it signing before our attributes are in.
        let flags = UInt32(CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES | CMS_PARTIAL)
        let certificates = try CertificateStack(chain)
        defer { withExtendedLifetime(certificates) {} }
        let cms = try require(CMS_sign(nil, nil, certificates.pointer, nil, flags), "create CMS SignedData")
        do {
            let info = try require(CMS_add1_signer(cms, signer.pointer, key, digestAlgorithm.md, flags), "add CMS signer")
            // The three signed attributes CMS_final would add from the content, added from the digest instead.
            let dataType = try require(OBJ_nid2obj(NID_pkcs7_data), "content type")
            try check(Int32(CMS_signed_add1_attr_by_NID(info, NID_pkcs9_contentType, V_ASN1_OBJECT, UnsafeRawPointer(dataType), -1)), "add contentType")
            try check(CMS_signed_add1_attr_by_NID(info, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest, Int32(digest.count)), "add messageDigest")
            let time = try ASN1Time.make(signingTime)
            defer { ASN1_TIME_free(time) }
            try check(CMS_signed_add1_attr_by_NID(info, NID_pkcs9_signingTime, time.pointee.type, UnsafeRawPointer(time), -1), "add signingTime")
        } catch {
            CMS_ContentInfo_free(cms)
            throw error
        }
        return try CAdESSignature(owning: cms)
    }

    /// Adds a signature timestamp (id-aa-signatureTimeStampToken, RFC 3161 token over the signature value):
    /// CAdES-B-B becomes CAdES-B-T.
    public func addSignatureTimestamp(_ token: TimestampToken) throws {
        clearOpenSSLErrors()
        let tokenDER = token.der
        try check(
            CMS_unsigned_add1_attr_by_NID(signerInfo, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, tokenDER, Int32(tokenDER.count)),
            "add signature timestamp")
    }
}

// MARK: - Inspection, for validation

extension CAdESSignature {
    /// Certificates embedded in the SignedData.
    public var certificates: [Certificate] {
        guard let stack = CMS_get1_certs(pointer) else { return [] }
        defer { OPENSSL_sk_pop_free(stack, freeX509) }
        return CertificateStack.read(stack)
    }

    /// The embedded certificate the SignerInfo identifies (by issuer and serial, or subject key id).
    public var signerCertificate: Certificate? { signerCertificate(among: certificates) }

    /// The same, among certificates already read with ``certificates``.
    public func signerCertificate(among certificates: [Certificate]) -> Certificate? {
        certificates.first { CMS_SignerInfo_cert_cmp(signerInfo, $0.pointer) == 0 }
    }

    /// The digest algorithm of the SignerInfo, when it is one the sandbox accepts.
    public var digestAlgorithm: DigestAlgorithm? {
        var digest: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(signerInfo, nil, nil, &digest, nil)
        guard let digest else { return nil }
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, digest)
        return object.flatMap { DigestAlgorithm(nid: OBJ_obj2nid($0)) }
    }

    /// The messageDigest signed attribute: the hash of the signed document.
    public var messageDigest: [UInt8]? {
        guard let object = OBJ_nid2obj(NID_pkcs9_messageDigest),
            let value = CMS_signed_get0_data_by_OBJ(signerInfo, object, -3, V_ASN1_OCTET_STRING)
        else { return nil }
        return asn1Bytes(value.assumingMemoryBound(to: ASN1_STRING.self))
    }

    /// The signingTime signed attribute (claimed, not proven).
    public var signingTime: Date? {
        guard let object = OBJ_nid2obj(NID_pkcs9_signingTime) else { return nil }
        for type in [V_ASN1_UTCTIME, V_ASN1_GENERALIZEDTIME] {
            if let value = CMS_signed_get0_data_by_OBJ(signerInfo, object, -3, type) {
                return ASN1Time.date(value.assumingMemoryBound(to: ASN1_TIME.self))
            }
        }
        return nil
    }

    /// Whether the signingCertificateV2 attribute (CAdES) is present.
    public var hasSigningCertificateV2: Bool {
        CMS_signed_get_attr_by_NID(signerInfo, NID_id_smime_aa_signingCertificateV2, -1) >= 0
    }

    /// Whether `certificate`'s key verifies the signature over the signed attributes.
    public func isSignatureValid(with certificate: Certificate) -> Bool {
        CMS_SignerInfo_set1_signer_cert(signerInfo, certificate.pointer)
        defer { CMS_SignerInfo_set1_signer_cert(signerInfo, nil) }
        let result = CMS_SignerInfo_verify(signerInfo)
        clearOpenSSLErrors()
        return result == 1
    }

    /// The signature timestamp (unsigned attribute), when there is one and it parses.
    public var signatureTimestamp: TimestampToken? {
        guard let object = OBJ_nid2obj(NID_id_smime_aa_timeStampToken),
            let value = CMS_unsigned_get0_data_by_OBJ(signerInfo, object, -3, V_ASN1_SEQUENCE)
        else { return nil }
        return try? TimestampToken(der: asn1Bytes(value.assumingMemoryBound(to: ASN1_STRING.self)))
    }
}
