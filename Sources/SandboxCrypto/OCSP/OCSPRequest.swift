import COpenSSL
import Foundation

/// An RFC 6960 OCSP request: which certificates (by issuer hashes and serial) a client asks about.
public final class OCSPRequest: @unchecked Sendable {
    let pointer: OpaquePointer
    public let der: [UInt8]

    /// Takes ownership of `pointer`, also when it throws.
    init(owning pointer: OpaquePointer) throws {
        guard let der = try? OpenSSLBuffers.der("encode OCSP request", { i2d_OCSP_REQUEST(pointer, $0) }) else {
            OCSP_REQUEST_free(pointer)
            throw CryptoError.fromQueue("encode OCSP request")
        }
        self.pointer = pointer
        self.der = der
    }

    deinit { OCSP_REQUEST_free(pointer) }

    /// Parses a DER request. A failure here is the responder's `malformedRequest` case.
    public convenience init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        let request = try OpenSSLBuffers.decode(der, "parse OCSP request") { cursor, length in d2i_OCSP_REQUEST(nil, cursor, length) }
        try self.init(owning: request)
    }

    /// The certificate identifiers asked about, in request order.
    public var certificateIDs: [OCSPCertificateID] {
        (0..<OCSP_request_onereq_count(pointer)).compactMap { index in
            guard let one = OCSP_request_onereq_get0(pointer, index), let id = OCSP_onereq_get0_id(one) else { return nil }
            return OCSPCertificateID(borrowing: id)
        }
    }

    /// The nonce extension's value, if the client sent one.
    public var nonce: [UInt8]? {
        let index = OCSP_REQUEST_get_ext_by_NID(pointer, NID_id_pkix_OCSP_Nonce, -1)
        guard index >= 0, let ext = OCSP_REQUEST_get_ext(pointer, index) else { return nil }
        return asn1Bytes(X509_EXTENSION_get_data(ext))
    }

    /// Builds a request for `certificate` issued by `issuer`, as `openssl ocsp -issuer … -cert …` does
    /// (SHA-1 CertID by default, because that is what every responder understands).
    public static func create(
        certificate: Certificate, issuer: Certificate, digest: DigestAlgorithm = .sha1, includeNonce: Bool = true
    ) throws -> OCSPRequest {
        clearOpenSSLErrors()
        let request = try require(OCSP_REQUEST_new(), "allocate OCSP request")
        var handedOver = false
        defer { if !handedOver { OCSP_REQUEST_free(request) } }
        let id = try require(OCSP_cert_to_id(digest.md, certificate.pointer, issuer.pointer), "build OCSP certificate id")
        guard OCSP_request_add0_id(request, id) != nil else {
            OCSP_CERTID_free(id)
            throw CryptoError.fromQueue("add certificate id to OCSP request")
        }
        if includeNonce { try check(OCSP_request_add1_nonce(request, nil, -1), "add OCSP nonce") }
        handedOver = true
        return try OCSPRequest(owning: request)
    }
}

/// One CertID of an OCSP request or response: hash algorithm, issuer name and key hashes, serial number.
public final class OCSPCertificateID: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Copies a CertID borrowed from a request or response.
    init?(borrowing id: OpaquePointer) {
        guard let copy = OCSP_CERTID_dup(id) else { return nil }
        pointer = copy
    }

    deinit { OCSP_CERTID_free(pointer) }

    private var info: (hash: OpaquePointer?, serial: UnsafeMutablePointer<ASN1_INTEGER>?) {
        var hash: OpaquePointer?
        var serial: UnsafeMutablePointer<ASN1_INTEGER>?
        _ = OCSP_id_get0_info(nil, &hash, nil, &serial, pointer)
        return (hash, serial)
    }

    public var serialNumber: SerialNumber { SerialNumber(asn1: info.serial) }

    /// The hash algorithm of the issuer hashes, or nil when it is not one we accept.
    public var hashAlgorithm: DigestAlgorithm? {
        info.hash.flatMap { DigestAlgorithm(nid: OBJ_obj2nid($0)) }
    }

    /// Whether this CertID names `issuer` (its name and key hashes match, under the CertID's own hash).
    public func isIssued(by issuer: Certificate) -> Bool {
        guard let algorithm = hashAlgorithm else { return false }
        guard let serial = info.serial,
            let candidate = OCSP_cert_id_new(
                algorithm.md, X509_get_subject_name(issuer.pointer), X509_get0_pubkey_bitstr(issuer.pointer), serial)
        else {
            clearOpenSSLErrors()
            return false
        }
        defer { OCSP_CERTID_free(candidate) }
        return OCSP_id_issuer_cmp(candidate, pointer) == 0
    }
}
