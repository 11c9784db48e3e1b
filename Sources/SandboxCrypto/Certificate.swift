import COpenSSL
import Foundation

/// An X.509 certificate. Immutable once parsed or issued; the `X509` object is shared across threads for
/// reading (OpenSSL reference-counts it and locks internally).
public final class Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    let pointer: OpaquePointer
    /// The exact DER bytes, kept so that fingerprints and downloads never depend on re-encoding.
    public let der: [UInt8]

    /// Takes ownership of `pointer`, also when it throws. A certificate whose public key OpenSSL cannot
    /// decode (an unknown algorithm) is refused here, so that ``publicKey`` never fails on hostile input.
    init(owning pointer: OpaquePointer) throws {
        guard X509_get0_pubkey(pointer) != nil, let der = try? OpenSSLBuffers.der("encode certificate", { i2d_X509(pointer, $0) }) else {
            // deinit does not run for an object whose init throws: free here, as the caller handed it over.
            X509_free(pointer)
            throw CryptoError.fromQueue("read certificate public key (unsupported key algorithm?)")
        }
        self.pointer = pointer
        self.der = der
        // Checked above: every Certificate has a decodable key.
        publicKey = PublicKey(owning: X509_get_pubkey(pointer)!)
        subject = DistinguishedName(x509Name: X509_get_subject_name(pointer))
        notBefore = ASN1Time.date(X509_get0_notBefore(pointer)) ?? .distantPast
        notAfter = ASN1Time.date(X509_get0_notAfter(pointer)) ?? .distantPast
    }

    deinit { X509_free(pointer) }

    public convenience init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        let certificate = try OpenSSLBuffers.decode(der, "parse DER certificate") { cursor, length in d2i_X509(nil, cursor, length) }
        try self.init(owning: certificate)
    }

    /// Parses the first certificate of a PEM text.
    public convenience init(pem: String) throws {
        guard let first = PEM.decodeAll(pem, label: "CERTIFICATE").first else {
            throw CryptoError("parse PEM certificate", reasons: ["no -----BEGIN CERTIFICATE----- block found"])
        }
        try self.init(der: first)
    }

    /// Parses one certificate given as PEM or DER bytes (what a user uploads or a file holds).
    public static func parse(_ bytes: [UInt8]) throws -> Certificate {
        PEM.looksLikePEM(bytes) ? try Certificate(pem: String(decoding: bytes, as: UTF8.self)) : try Certificate(der: bytes)
    }

    /// Every certificate of a PEM bundle, in order.
    public static func parseChain(pem: String) throws -> [Certificate] {
        try PEM.decodeAll(pem, label: "CERTIFICATE").map { try Certificate(der: $0) }
    }

    public var pem: String { PEM.encode(der, label: "CERTIFICATE") }

    /// Read once: a security server asks every message's signer certificate for its subject (the member
    /// id) and validity period.
    public let subject: DistinguishedName
    public var issuer: DistinguishedName { DistinguishedName(x509Name: X509_get_issuer_name(pointer)) }
    public var serialNumber: SerialNumber { SerialNumber(asn1: X509_get0_serialNumber(pointer)) }
    public let notBefore: Date
    public let notAfter: Date

    /// The subject public key, one object for the certificate's life, so that its verification contexts
    /// are reused by every signature checked against this certificate.
    public let publicKey: PublicKey

    /// SHA-256 of the DER encoding, uppercase hex, no separators.
    public var fingerprintSHA256: String { HexText.encode(DigestAlgorithm.sha256.hash(der)) }

    /// The same, colon-separated, as `openssl x509 -fingerprint -sha256` prints it.
    public var fingerprintSHA256Colons: String {
        HexText.encode(DigestAlgorithm.sha256.hash(der), separator: ":")
    }

    /// The signature algorithm's long name, e.g. `ecdsa-with-SHA256`.
    public var signatureAlgorithm: String {
        let nid = X509_get_signature_nid(pointer)
        return OBJ_nid2ln(nid).map { String(cString: $0) } ?? "unknown"
    }

    /// Whether issuer and subject are the same name (a root, or a self-issued certificate).
    public var isSelfIssued: Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_issuer_name(pointer)) == 0
    }

    /// Whether `key` verifies this certificate's signature.
    public func isSignatureValid(issuerKey key: PublicKey) -> Bool {
        let result = X509_verify(pointer, key.pointer)
        clearOpenSSLErrors()
        return result == 1
    }

    /// Whether `issuer`'s subject is this certificate's issuer name and its key verifies the signature.
    public func isIssued(by issuer: Certificate) -> Bool {
        X509_NAME_cmp(X509_get_issuer_name(pointer), X509_get_subject_name(issuer.pointer)) == 0
            && isSignatureValid(issuerKey: issuer.publicKey)
    }

    /// Whether `time` lies within the validity period.
    public func isValid(at time: Date) -> Bool { time >= notBefore && time <= notAfter }

    /// The extensions, decoded.
    public var extensions: CertificateExtensions { CertificateExtensions(pointer) }

    /// The human-readable dump that `openssl x509 -text -noout` prints.
    public var text: String { OpenSSLBuffers.printed { X509_print(ptr: $0, pointer) } }

    public var description: String { "\(subject) (serial \(serialNumber.hex))" }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}

private func X509_print(ptr bio: OpaquePointer, _ certificate: OpaquePointer) -> Int32 {
    COpenSSL.X509_print(bio, certificate)
}
