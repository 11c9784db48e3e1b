import COpenSSL
import Foundation

/// The outcome for one certificate in an OCSP response.
public enum OCSPCertificateStatus: Sendable, Hashable {
    case good
    case revoked(time: Date, reason: RevocationReason?)
    case unknown

    /// `GOOD`, `REVOKED`, `UNKNOWN`, as the PKI's JSON API spells them.
    public var name: String {
        switch self {
        case .good: "GOOD"
        case .revoked: "REVOKED"
        case .unknown: "UNKNOWN"
        }
    }
}

/// OCSPResponseStatus (RFC 6960 §4.2.1). Anything but `successful` carries no signed body.
public enum OCSPResponseStatus: Int32, Sendable {
    case successful = 0
    case malformedRequest = 1
    case internalError = 2
    case tryLater = 3
    case signatureRequired = 5
    case unauthorized = 6

    public var name: String {
        switch self {
        case .successful: "successful"
        case .malformedRequest: "malformedRequest"
        case .internalError: "internalError"
        case .tryLater: "tryLater"
        case .signatureRequired: "sigRequired"
        case .unauthorized: "unauthorized"
        }
    }
}

/// Builds the responder's answers (the server side of RFC 6960).
public enum OCSPResponseBuilder {
    /// An unsigned response with an error status, e.g. `malformedRequest`.
    public static func error(_ status: OCSPResponseStatus) -> [UInt8] {
        guard let response = OCSP_response_create(Int32(status.rawValue), nil) else { return [] }
        defer { OCSP_RESPONSE_free(response) }
        return (try? OpenSSLBuffers.der("encode OCSP response") { i2d_OCSP_RESPONSE(response, $0) }) ?? []
    }

    /// A signed `successful` response.
    /// - Parameters:
    ///   - request: the request answered; its nonce is echoed.
    ///   - answers: one status per CertID, in the order to report them.
    ///   - signer: the responder certificate (a delegated OCSPSigning certificate, or the CA itself).
    ///   - extraCertificates: more certificates to include after the signer (usually none).
    ///   - producedAt: from the sandbox clock, so that lab time travel reaches OCSP too.
    public static func build(
        request: OCSPRequest, answers: [(OCSPCertificateID, OCSPCertificateStatus)],
        signer: Certificate, signerKey: PrivateKey, extraCertificates: [Certificate] = [],
        producedAt: Date, nextUpdate: Date?
    ) throws -> [UInt8] {
        clearOpenSSLErrors()
        let basic = try require(OCSP_BASICRESP_new(), "allocate OCSP basic response")
        defer { OCSP_BASICRESP_free(basic) }
        let thisUpdate = try ASN1Time.make(producedAt)
        defer { ASN1_TIME_free(thisUpdate) }
        let next = try nextUpdate.map(ASN1Time.make)
        defer { next.map { ASN1_TIME_free($0) } }

        for (id, status) in answers {
            var single: OpaquePointer?
            switch status {
            case .good:
                single = OCSP_basic_add1_status(basic, id.pointer, V_OCSP_CERTSTATUS_GOOD, 0, nil, thisUpdate, next)
            case .unknown:
                single = OCSP_basic_add1_status(basic, id.pointer, V_OCSP_CERTSTATUS_UNKNOWN, 0, nil, thisUpdate, next)
            case .revoked(let time, let reason):
                let revocationTime = try ASN1Time.make(time)
                defer { ASN1_TIME_free(revocationTime) }
                let code = reason.map { Int32($0.rawValue) } ?? OCSP_REVOKED_STATUS_NOSTATUS
                single = OCSP_basic_add1_status(basic, id.pointer, V_OCSP_CERTSTATUS_REVOKED, code, revocationTime, thisUpdate, next)
            }
            _ = try require(single, "add OCSP single response")
        }
        guard OCSP_copy_nonce(basic, request.pointer) > 0 else { throw CryptoError.fromQueue("echo OCSP nonce") }

        // OCSP_basic_sign stamps producedAt with the wall clock unless told not to; we set it ourselves.
        let produced = UnsafeMutablePointer(mutating: OCSP_resp_get0_produced_at(basic))
        _ = try require(ASN1_GENERALIZEDTIME_set(produced, time_t(producedAt.timeIntervalSince1970.rounded(.down))), "set producedAt")

        let certificates = try CertificateStack(extraCertificates)
        defer { withExtendedLifetime(certificates) {} }
        let digest = signerKey.algorithm?.signingDigest ?? .sha256
        try check(
            OCSP_basic_sign(basic, signer.pointer, signerKey.pointer, digest.md, certificates.pointer, UInt(OCSP_NOTIME)),
            "sign OCSP response")
        let response = try require(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic), "wrap OCSP response")
        defer { OCSP_RESPONSE_free(response) }
        return try OpenSSLBuffers.der("encode OCSP response") { i2d_OCSP_RESPONSE(response, $0) }
    }
}

/// A parsed OCSP response (the client side: the CLI's `pki ocsp` and the tests).
public final class OCSPResponse: @unchecked Sendable {
    let pointer: OpaquePointer
    private let basic: OpaquePointer?
    public let der: [UInt8]

    public init(der: [UInt8]) throws {
        clearOpenSSLErrors()
        pointer = try OpenSSLBuffers.decode(der, "parse OCSP response") { cursor, length in d2i_OCSP_RESPONSE(nil, cursor, length) }
        basic = OCSP_response_get1_basic(pointer)
        clearOpenSSLErrors()
        self.der = der
    }

    deinit {
        if let basic { OCSP_BASICRESP_free(basic) }
        OCSP_RESPONSE_free(pointer)
    }

    /// The response status; nil for a value RFC 6960 does not define.
    public var status: OCSPResponseStatus? { OCSPResponseStatus(rawValue: OCSP_response_status(pointer)) }

    public var producedAt: Date? { basic.flatMap { ASN1Time.date(OCSP_resp_get0_produced_at($0)) } }

    /// The certificates the responder included (its own, normally).
    public var certificates: [Certificate] {
        guard let basic, let stack = OCSP_resp_get0_certs(basic) else { return [] }
        return CertificateStack.read(stack)
    }

    /// The nonce the responder echoed, if any.
    public var nonce: [UInt8]? {
        guard let basic else { return nil }
        let index = OCSP_BASICRESP_get_ext_by_NID(basic, NID_id_pkix_OCSP_Nonce, -1)
        guard index >= 0, let ext = OCSP_BASICRESP_get_ext(basic, index) else { return nil }
        return asn1Bytes(X509_EXTENSION_get_data(ext))
    }

    /// One entry per certificate reported.
    public struct SingleResponse: Sendable {
        public let serialNumber: SerialNumber
        public let status: OCSPCertificateStatus
        public let thisUpdate: Date?
        public let nextUpdate: Date?
    }

    public var responses: [SingleResponse] {
        guard let basic else { return [] }
        return (0..<OCSP_resp_count(basic)).compactMap { index in
            guard let single = OCSP_resp_get0(basic, index), let id = OCSP_SINGLERESP_get0_id(single),
                let certificateID = OCSPCertificateID(borrowing: id)
            else { return nil }
            var reason: Int32 = -1
            var revoked: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
            var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
            var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
            let code = OCSP_single_get0_status(single, &reason, &revoked, &thisUpdate, &nextUpdate)
            let status: OCSPCertificateStatus
            switch code {
            case V_OCSP_CERTSTATUS_GOOD: status = .good
            case V_OCSP_CERTSTATUS_REVOKED:
                status = .revoked(time: ASN1Time.date(revoked) ?? .distantPast, reason: RevocationReason(rawValue: Int(reason)))
            default: status = .unknown
            }
            return SingleResponse(
                serialNumber: certificateID.serialNumber, status: status,
                thisUpdate: ASN1Time.date(thisUpdate), nextUpdate: ASN1Time.date(nextUpdate))
        }
    }

    /// Verifies the response signature and the responder's authority, as `openssl ocsp -CAfile` does:
    /// the signer must chain to one of `trustedRoots` and be the CA itself or carry the OCSPSigning EKU.
    public func verifySignature(trustedRoots: [Certificate], intermediates: [Certificate] = []) throws {
        guard let basic else { throw CryptoError("verify OCSP response", reasons: ["the response has no signed body"]) }
        clearOpenSSLErrors()
        let store = try CertificateStore(trusted: trustedRoots)
        let untrusted = try CertificateStack(intermediates)
        defer { withExtendedLifetime((store, untrusted)) {} }
        guard OCSP_basic_verify(basic, untrusted.pointer, store.pointer, 0) == 1 else {
            throw CryptoError.fromQueue("verify OCSP response signature")
        }
    }

    /// Whether the echoed nonce equals the request's.
    public func nonceMatches(_ request: OCSPRequest) -> Bool {
        guard let basic else { return false }
        // 1: both nonces present and equal; 2: neither side sent one (nothing to mismatch).
        let result = OCSP_check_nonce(request.pointer, basic)
        return result == 1 || result == 2
    }

    /// `openssl ocsp -resp_text`.
    public var text: String { OpenSSLBuffers.printed { OCSP_RESPONSE_print($0, pointer, 0) } }
}
