import COpenSSL
import COpenSSLShims
import Foundation

/// One entry of a CRL.
public struct RevokedCertificate: Sendable, Hashable {
    public var serialNumber: SerialNumber
    public var revocationDate: Date
    /// nil when the reason is `unspecified`: RFC 5280 §5.3.1 says the reason code extension should then be
    /// absent rather than present with the value 0.
    public var reason: RevocationReason?

    public init(serialNumber: SerialNumber, revocationDate: Date, reason: RevocationReason?) {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate
        self.reason = reason == .unspecified ? nil : reason
    }
}

/// An X.509 v2 certificate revocation list (RFC 5280 §5).
public final class CertificateRevocationList: @unchecked Sendable {
    let pointer: OpaquePointer
    public let der: [UInt8]

    /// Takes ownership of `pointer`, also when it throws.
    init(owning pointer: OpaquePointer) throws {
        guard let der = try? OpenSSLBuffers.der("encode CRL", { i2d_X509_CRL(pointer, $0) }) else {
            X509_CRL_free(pointer)
            throw CryptoError.fromQueue("encode CRL")
        }
        self.pointer = pointer
        self.der = der
    }

    deinit { X509_CRL_free(pointer) }

    public convenience init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        let crl = try OpenSSLBuffers.decode(der, "parse DER CRL") { cursor, length in d2i_X509_CRL(nil, cursor, length) }
        try self.init(owning: crl)
    }

    public convenience init(pem: String) throws {
        guard let block = PEM.decodeAll(pem, label: "X509 CRL").first else {
            throw CryptoError("parse PEM CRL", reasons: ["no -----BEGIN X509 CRL----- block found"])
        }
        try self.init(der: block)
    }

    public var pem: String { PEM.encode(der, label: "X509 CRL") }
    public var issuer: DistinguishedName { DistinguishedName(x509Name: X509_CRL_get_issuer(pointer)) }
    public var thisUpdate: Date { ASN1Time.date(X509_CRL_get0_lastUpdate(pointer)) ?? .distantPast }
    public var nextUpdate: Date? { ASN1Time.date(X509_CRL_get0_nextUpdate(pointer)) }

    /// The `cRLNumber` extension.
    public var number: UInt64? {
        guard let raw = X509_CRL_get_ext_d2i(pointer, NID_crl_number, nil, nil) else { return nil }
        let integer = raw.assumingMemoryBound(to: ASN1_INTEGER.self)
        defer { ASN1_INTEGER_free(integer) }
        return asn1Bytes(integer).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    public var revoked: [RevokedCertificate] {
        guard let stack = X509_CRL_get_REVOKED(pointer) else { return [] }
        return (0..<OPENSSL_sk_num(stack)).compactMap { index in
            guard let entry = OPENSSL_sk_value(stack, index).map(OpaquePointer.init) else { return nil }
            var reason: RevocationReason?
            if let raw = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nil, nil) {
                let enumerated = raw.assumingMemoryBound(to: ASN1_ENUMERATED.self)
                reason = RevocationReason(rawValue: ASN1_ENUMERATED_get(enumerated))
                ASN1_ENUMERATED_free(enumerated)
            }
            return RevokedCertificate(
                serialNumber: SerialNumber(asn1: X509_REVOKED_get0_serialNumber(entry)),
                revocationDate: ASN1Time.date(X509_REVOKED_get0_revocationDate(entry)) ?? .distantPast,
                reason: reason)
        }
    }

    public func isSignatureValid(issuerKey: PublicKey) -> Bool {
        let result = X509_CRL_verify(pointer, issuerKey.pointer)
        clearOpenSSLErrors()
        return result == 1
    }

    /// `openssl crl -text -noout`.
    public var text: String { OpenSSLBuffers.printed { X509_CRL_print(ptr: $0, pointer) } }

    /// Builds and signs a CRL.
    /// - Parameters:
    ///   - issuer: the CA whose certificates the list covers, and which signs it.
    ///   - number: the monotonically increasing `cRLNumber`.
    public static func issue(
        issuer: Certificate, issuerKey: PrivateKey, number: UInt64,
        thisUpdate: Date, nextUpdate: Date, revoked: [RevokedCertificate]
    ) throws -> CertificateRevocationList {
        clearOpenSSLErrors()
        let crl = try require(X509_CRL_new(), "allocate CRL")
        var handedOver = false
        defer { if !handedOver { X509_CRL_free(crl) } }
        try check(X509_CRL_set_version(crl, 1), "set CRL version")
        try check(X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.pointer)), "set CRL issuer")
        let last = try ASN1Time.make(thisUpdate)
        defer { ASN1_TIME_free(last) }
        let next = try ASN1Time.make(nextUpdate)
        defer { ASN1_TIME_free(next) }
        try check(X509_CRL_set1_lastUpdate(crl, last), "set thisUpdate")
        try check(X509_CRL_set1_nextUpdate(crl, next), "set nextUpdate")

        for entry in revoked {
            let revokedEntry = try require(X509_REVOKED_new(), "allocate CRL entry")
            do {
                let serial = try entry.serialNumber.makeASN1Integer()
                defer { ASN1_INTEGER_free(serial) }
                try check(X509_REVOKED_set_serialNumber(revokedEntry, serial), "set revoked serial")
                let date = try ASN1Time.make(entry.revocationDate)
                defer { ASN1_TIME_free(date) }
                try check(X509_REVOKED_set_revocationDate(revokedEntry, date), "set revocation date")
                if let reason = entry.reason {
                    let code = try require(ASN1_ENUMERATED_new(), "allocate reason code")
                    defer { ASN1_ENUMERATED_free(code) }
                    try check(ASN1_ENUMERATED_set(code, reason.rawValue), "set reason code")
                    try check(X509_REVOKED_add1_ext_i2d(revokedEntry, NID_crl_reason, code, 0, 0), "add reason code")
                }
                try check(X509_CRL_add0_revoked(crl, revokedEntry), "add CRL entry")
            } catch {
                X509_REVOKED_free(revokedEntry)
                throw error
            }
        }
        try check(X509_CRL_sort(crl), "sort CRL")
        guard cshim_crl_add_ext(crl, issuer.pointer, "authorityKeyIdentifier", "keyid:always") == 1 else {
            throw CryptoError.fromQueue("add CRL authority key identifier")
        }
        let crlNumber = try require(ASN1_INTEGER_new(), "allocate CRL number")
        defer { ASN1_INTEGER_free(crlNumber) }
        try check(ASN1_INTEGER_set_uint64(crlNumber, number), "set CRL number")
        try check(X509_CRL_add1_ext_i2d(crl, NID_crl_number, crlNumber, 0, 0), "add CRL number")

        let digest = issuerKey.algorithm?.signingDigest ?? .sha256
        guard X509_CRL_sign(crl, issuerKey.pointer, digest.md) > 0 else { throw CryptoError.fromQueue("sign CRL") }
        handedOver = true
        return try CertificateRevocationList(owning: crl)
    }
}

private func X509_CRL_print(ptr bio: OpaquePointer, _ crl: OpaquePointer) -> Int32 {
    COpenSSL.X509_CRL_print(bio, crl)
}
