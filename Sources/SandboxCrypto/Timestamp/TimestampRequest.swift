import COpenSSL
import Foundation

/// An RFC 3161 TimeStampReq: the hash of some data, and what the client wants back.
public final class TimestampRequest: @unchecked Sendable {
    let pointer: OpaquePointer
    public let der: [UInt8]

    /// Takes ownership of `pointer`, also when it throws.
    init(owning pointer: OpaquePointer) throws {
        guard let der = try? OpenSSLBuffers.der("encode timestamp query", { i2d_TS_REQ(pointer, $0) }) else {
            TS_REQ_free(pointer)
            throw CryptoError.fromQueue("encode timestamp query")
        }
        self.pointer = pointer
        self.der = der
    }

    deinit { TS_REQ_free(pointer) }

    public convenience init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        let request = try OpenSSLBuffers.decode(der, "parse timestamp query") { cursor, length in d2i_TS_REQ(nil, cursor, length) }
        try self.init(owning: request)
    }

    private var imprint: OpaquePointer? { TS_REQ_get_msg_imprint(pointer) }

    /// The hash algorithm of the imprint, or nil when it is not one we accept.
    public var digestAlgorithm: DigestAlgorithm? {
        guard let imprint, let algorithm = TS_MSG_IMPRINT_get_algo(imprint) else { return nil }
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return object.flatMap { DigestAlgorithm(nid: OBJ_obj2nid($0)) }
    }

    /// The OID of the imprint's hash algorithm, for error messages about algorithms we refuse.
    public var digestAlgorithmOID: String {
        guard let imprint, let algorithm = TS_MSG_IMPRINT_get_algo(imprint) else { return "" }
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return object.map { objectName($0) } ?? ""
    }

    public var messageImprint: [UInt8] { imprint.map { asn1Bytes(TS_MSG_IMPRINT_get_msg($0)) } ?? [] }
    public var nonce: [UInt8]? { TS_REQ_get_nonce(pointer).map { asn1Bytes($0) } }
    public var certificateRequested: Bool { TS_REQ_get_cert_req(pointer) != 0 }
    public var policy: String? { TS_REQ_get_policy_id(pointer).map(objectDottedString) }

    /// Builds a query for a digest already computed, as `openssl ts -query -digest … -cert` does.
    public static func create(
        digestAlgorithm: DigestAlgorithm, digest: [UInt8], includeNonce: Bool = true, requestCertificate: Bool = true
    ) throws -> TimestampRequest {
        clearOpenSSLErrors()
        guard digest.count == digestAlgorithm.length else {
            throw CryptoError("build timestamp query", reasons: ["a \(digestAlgorithm.rawValue) digest has \(digestAlgorithm.length) bytes, not \(digest.count)"])
        }
        let request = try require(TS_REQ_new(), "allocate timestamp query")
        var handedOver = false
        defer { if !handedOver { TS_REQ_free(request) } }
        try check(TS_REQ_set_version(request, 1), "set query version")

        let imprint = try require(TS_MSG_IMPRINT_new(), "allocate message imprint")
        defer { TS_MSG_IMPRINT_free(imprint) }
        let algorithm = try require(X509_ALGOR_new(), "allocate algorithm identifier")
        defer { X509_ALGOR_free(algorithm) }
        X509_ALGOR_set_md(algorithm, digestAlgorithm.md)
        try check(TS_MSG_IMPRINT_set_algo(imprint, algorithm), "set imprint algorithm")
        var message = digest  // TS_MSG_IMPRINT_set_msg copies it, but takes a mutable pointer
        try check(message.withUnsafeMutableBufferPointer { TS_MSG_IMPRINT_set_msg(imprint, $0.baseAddress, Int32($0.count)) }, "set imprint")
        try check(TS_REQ_set_msg_imprint(request, imprint), "set message imprint")

        if includeNonce {
            let nonce = SerialNumber.random()
            let integer = try nonce.makeASN1Integer()
            defer { ASN1_INTEGER_free(integer) }
            try check(TS_REQ_set_nonce(request, integer), "set nonce")
        }
        try check(TS_REQ_set_cert_req(request, requestCertificate ? 1 : 0), "set certReq")
        handedOver = true
        return try TimestampRequest(owning: request)
    }
}
