import COpenSSL
import Foundation

/// PKIStatus of a TimeStampResp (RFC 3161 §2.4.2).
public enum TimestampStatus: Int, Sendable {
    case granted = 0
    case grantedWithModifications = 1
    case rejection = 2
    case waiting = 3
    case revocationWarning = 4
    case revocationNotification = 5

    public var name: String {
        switch self {
        case .granted: "granted"
        case .grantedWithModifications: "grantedWithMods"
        case .rejection: "rejection"
        case .waiting: "waiting"
        case .revocationWarning: "revocationWarning"
        case .revocationNotification: "revocationNotification"
        }
    }
}

/// A parsed TimeStampResp: its status, and the token when one was granted.
public final class TimestampResponse: @unchecked Sendable {
    let pointer: OpaquePointer
    public let der: [UInt8]

    public init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        pointer = try OpenSSLBuffers.decode(der, "parse timestamp response") { cursor, length in d2i_TS_RESP(nil, cursor, length) }
        self.der = der
    }

    deinit { TS_RESP_free(pointer) }

    private var statusInfo: OpaquePointer? { TS_RESP_get_status_info(pointer) }

    public var status: TimestampStatus? {
        guard let info = statusInfo, let status = TS_STATUS_INFO_get0_status(info) else { return nil }
        return TimestampStatus(rawValue: ASN1_INTEGER_get(status))
    }

    /// The free text the TSA put in the status (why it refused, typically).
    public var statusText: [String] {
        guard let info = statusInfo, let texts = TS_STATUS_INFO_get0_text(info) else { return [] }
        return (0..<OPENSSL_sk_num(texts)).compactMap { index in
            OPENSSL_sk_value(texts, index).map { raw in
                String(decoding: asn1Bytes(raw.assumingMemoryBound(to: ASN1_STRING.self)), as: UTF8.self)
            }
        }
    }

    /// The token (a CMS SignedData), when granted.
    public var token: TimestampToken? {
        guard let token = TS_RESP_get_token(pointer),
            let der = try? OpenSSLBuffers.der("encode timestamp token", { i2d_PKCS7(token, $0) })
        else { return nil }
        return try? TimestampToken(der: der)
    }

    /// `openssl ts -reply -in … -text`.
    public var text: String { OpenSSLBuffers.printed { TS_RESP_print_bio($0, pointer) } }
}

/// A time-stamp token: CMS SignedData over a TSTInfo (RFC 3161 §2.4.2).
public final class TimestampToken: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<PKCS7>
    private let info: OpaquePointer
    public let der: [UInt8]

    public init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        pointer = try OpenSSLBuffers.decode(der, "parse timestamp token") { cursor, length in d2i_PKCS7(nil, cursor, length) }
        guard let info = PKCS7_to_TS_TST_INFO(pointer) else {
            PKCS7_free(pointer)
            throw CryptoError.fromQueue("read TSTInfo from timestamp token")
        }
        self.info = info
        self.der = der
    }

    deinit {
        TS_TST_INFO_free(info)
        PKCS7_free(pointer)
    }

    public var genTime: Date? { ASN1Time.date(TS_TST_INFO_get_time(info)) }
    public var serialNumber: SerialNumber { SerialNumber(asn1: TS_TST_INFO_get_serial(info)) }
    public var policy: String { TS_TST_INFO_get_policy_id(info).map(objectDottedString) ?? "" }
    public var nonce: [UInt8]? { TS_TST_INFO_get_nonce(info).map { asn1Bytes($0) } }

    public var messageImprint: [UInt8] {
        TS_TST_INFO_get_msg_imprint(info).map { asn1Bytes(TS_MSG_IMPRINT_get_msg($0)) } ?? []
    }

    public var digestAlgorithm: DigestAlgorithm? {
        guard let imprint = TS_TST_INFO_get_msg_imprint(info), let algorithm = TS_MSG_IMPRINT_get_algo(imprint) else { return nil }
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return object.flatMap { DigestAlgorithm(nid: OBJ_obj2nid($0)) }
    }

    /// The TSA name from the token, when the TSA included it.
    public var tsaName: String? {
        guard let name = TS_TST_INFO_get_tsa(info), name.pointee.type == GEN_DIRNAME else { return nil }
        return DistinguishedName(x509Name: name.pointee.d.directoryName).description
    }

    /// Certificates embedded in the token (certReq was set).
    public var certificates: [Certificate] {
        guard let signed = pointer.pointee.d.sign, let stack = signed.pointee.cert
        else { return [] }
        return CertificateStack.read(stack)
    }

    /// Verifies the token as `openssl ts -verify -digest … -CAfile … -untrusted …` does: signature, TSA
    /// certificate chain and EKU, and that the imprint is `digest`.
    /// - Parameter time: evaluate the TSA chain at this time (RFC 3161 App. B: at genTime, for old tokens).
    public func verify(digest: [UInt8], trustedRoots: [Certificate], untrusted: [Certificate] = [], at time: Date? = nil) throws {
        clearOpenSSLErrors()
        guard let algorithm = digestAlgorithm else {
            throw CryptoError("verify timestamp", reasons: ["the token uses a hash algorithm the sandbox does not accept"])
        }
        let request = try TimestampRequest.create(digestAlgorithm: algorithm, digest: digest, includeNonce: false)
        let context = try require(TS_REQ_to_TS_VERIFY_CTX(request.pointer, nil), "prepare timestamp verification")
        defer { TS_VERIFY_CTX_free(context) }
        TS_VERIFY_CTX_add_flags(context, Int32(TS_VFY_SIGNATURE))
        // Both setters take ownership in OpenSSL 3.0 (renamed set0_* in 3.4): hand over, never free.
        TS_VERIFY_CTX_set_store(context, try CertificateStore(trusted: trustedRoots, at: time).release())
        TS_VERIFY_CTX_set_certs(context, try CertificateStack(untrusted).release())
        guard TS_RESP_verify_token(context, pointer) == 1 else { throw CryptoError.fromQueue("verify timestamp token") }
    }
}
