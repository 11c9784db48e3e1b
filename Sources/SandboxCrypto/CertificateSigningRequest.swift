import COpenSSL
import Foundation

/// A PKCS#10 certificate signing request (RFC 2986): how a security server or a trainee asks the CA for a
/// certificate while keeping its private key to itself.
public final class CertificateSigningRequest: @unchecked Sendable {
    let pointer: OpaquePointer
    public let der: [UInt8]

    /// Takes ownership of `pointer`, also when it throws.
    init(owning pointer: OpaquePointer) throws {
        guard let der = try? OpenSSLBuffers.der("encode CSR", { i2d_X509_REQ(pointer, $0) }) else {
            X509_REQ_free(pointer)
            throw CryptoError.fromQueue("encode CSR")
        }
        self.pointer = pointer
        self.der = der
    }

    deinit { X509_REQ_free(pointer) }

    public convenience init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        let request = try OpenSSLBuffers.decode(der, "parse DER CSR") { cursor, length in d2i_X509_REQ(nil, cursor, length) }
        try self.init(owning: request)
    }

    /// Parses a PEM `CERTIFICATE REQUEST` (also the older `NEW CERTIFICATE REQUEST` label).
    public convenience init(pem: String) throws {
        guard let block = PEM.decodeAll(pem, label: "CERTIFICATE REQUEST").first ?? PEM.decodeAll(pem, label: "NEW CERTIFICATE REQUEST").first
        else {
            throw CryptoError("parse PEM CSR", reasons: ["no -----BEGIN CERTIFICATE REQUEST----- block found"])
        }
        try self.init(der: block)
    }

    /// Parses a CSR given as PEM or DER bytes.
    public static func parse(_ bytes: [UInt8]) throws -> CertificateSigningRequest {
        PEM.looksLikePEM(bytes)
            ? try CertificateSigningRequest(pem: String(decoding: bytes, as: UTF8.self))
            : try CertificateSigningRequest(der: bytes)
    }

    public var pem: String { PEM.encode(der, label: "CERTIFICATE REQUEST") }

    public var subject: DistinguishedName { DistinguishedName(x509Name: X509_REQ_get_subject_name(pointer)) }

    /// The key to be certified, or nil when the CSR carries a key OpenSSL cannot decode.
    public var publicKey: PublicKey? {
        X509_REQ_get_pubkey(pointer).map { PublicKey(owning: $0) }
    }

    /// Proof of possession: the CSR is signed by the private half of the key it asks to certify.
    public var isSignatureValid: Bool {
        guard let key = X509_REQ_get0_pubkey(pointer) else { return false }
        let result = X509_REQ_verify(pointer, key)
        clearOpenSSLErrors()
        return result == 1
    }

    /// Subject alternative names asked for in the `extensionRequest` attribute.
    public var requestedSubjectAlternativeNames: [GeneralName] {
        guard let extensions = X509_REQ_get_extensions(pointer) else { return [] }
        defer { OPENSSL_sk_pop_free(extensions, freeExtension) }
        guard let names = X509V3_get_d2i(extensions, NID_subject_alt_name, nil, nil) else { return [] }
        defer { GENERAL_NAMES_free(OpaquePointer(names)) }
        return GeneralName.list(OpaquePointer(names))
    }

    /// Builds a CSR signed with `key` (what a client does before enrolling).
    public static func create(
        subject: DistinguishedName, key: PrivateKey, subjectAlternativeNames: [GeneralName] = []
    ) throws -> CertificateSigningRequest {
        clearOpenSSLErrors()
        let request = try require(X509_REQ_new(), "allocate CSR")
        var handedOver = false
        defer { if !handedOver { X509_REQ_free(request) } }
        try check(X509_REQ_set_version(request, 0), "set CSR version")
        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        try check(X509_REQ_set_subject_name(request, name), "set CSR subject")
        try check(X509_REQ_set_pubkey(request, key.pointer), "set CSR key")
        if !subjectAlternativeNames.isEmpty {
            for san in subjectAlternativeNames {
                if let problem = san.validationError { throw CryptoError("subject alternative name", reasons: [problem]) }
            }
            var context = X509V3_CTX()
            X509V3_set_ctx(&context, nil, nil, request, nil, 0)
            let value = subjectAlternativeNames.map(\.description).joined(separator: ",")
            let ext = try require(X509V3_EXT_nconf(nil, &context, "subjectAltName", value), "build subjectAltName")
            let stack = try require(OPENSSL_sk_new_null(), "allocate extension list")
            OPENSSL_sk_push(stack, UnsafeRawPointer(ext))
            let added = X509_REQ_add_extensions(request, stack)
            OPENSSL_sk_pop_free(stack, freeExtension)
            try check(added, "add CSR extensions")
        }
        let digest = key.algorithm?.signingDigest ?? .sha256
        guard X509_REQ_sign(request, key.pointer, digest.md) > 0 else { throw CryptoError.fromQueue("sign CSR") }
        handedOver = true
        return try CertificateSigningRequest(owning: request)
    }
}

/// `X509_EXTENSION_free` as the element destructor of a generic stack.
let freeExtension: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in
    X509_EXTENSION_free(OpaquePointer(pointer))
}
