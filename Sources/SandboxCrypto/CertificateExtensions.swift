import COpenSSL
import Foundation

/// The extensions of a certificate that the sandbox shows and checks, decoded into Swift values.
public struct CertificateExtensions: Sendable, Hashable, Codable {
    public var isCA: Bool
    /// `pathLenConstraint`, when the certificate is a CA and sets one.
    public var pathLength: Int?
    public var keyUsage: [KeyUsage]
    public var extendedKeyUsage: [String]
    public var subjectAlternativeNames: [GeneralName]
    /// Certificate policy OIDs.
    public var policies: [String]
    public var ocspURLs: [String]
    public var caIssuersURLs: [String]
    public var crlDistributionPoints: [String]
    public var subjectKeyIdentifier: String?
    public var authorityKeyIdentifier: String?
    /// `id-pkix-ocsp-nocheck`: the certificate of a delegated OCSP responder, not itself checked by OCSP.
    public var ocspNoCheck: Bool

    init(_ certificate: OpaquePointer) {
        let flags = X509_get_extension_flags(certificate)
        isCA = flags & UInt32(EXFLAG_CA) != 0
        let pathLength = X509_get_pathlen(certificate)
        self.pathLength = isCA && pathLength >= 0 ? Int(pathLength) : nil

        let usage = X509_get_key_usage(certificate)
        keyUsage = usage == UInt32.max ? [] : KeyUsage.allCases.filter { usage & $0.flag != 0 }

        extendedKeyUsage = Self.decoded(certificate, NID_ext_key_usage) { (stack: OpaquePointer) in
            (0..<OPENSSL_sk_num(stack)).map { ExtendedKeyUsage.name(OpaquePointer(OPENSSL_sk_value(stack, $0))) }
        } free: { EXTENDED_KEY_USAGE_free($0) } ?? []

        subjectAlternativeNames = Self.decoded(certificate, NID_subject_alt_name) { GeneralName.list($0) } free: { GENERAL_NAMES_free($0) } ?? []

        policies = Self.decoded(certificate, NID_certificate_policies) { (stack: OpaquePointer) in
            (0..<OPENSSL_sk_num(stack)).compactMap { index -> String? in
                guard let info = OPENSSL_sk_value(stack, index)?.assumingMemoryBound(to: POLICYINFO.self) else { return nil }
                return info.pointee.policyid.map(objectDottedString)
            }
        } free: { CERTIFICATEPOLICIES_free($0) } ?? []

        let access: [(String, String)] = Self.decoded(certificate, NID_info_access) { (stack: OpaquePointer) in
            (0..<OPENSSL_sk_num(stack)).compactMap { index -> (String, String)? in
                guard let description = OPENSSL_sk_value(stack, index)?.assumingMemoryBound(to: ACCESS_DESCRIPTION.self),
                    let location = description.pointee.location, case .uri(let uri)? = GeneralName(location)
                else { return nil }
                return (objectName(description.pointee.method), uri)
            }
        } free: { AUTHORITY_INFO_ACCESS_free($0) } ?? []
        ocspURLs = access.filter { $0.0 == "OCSP" }.map(\.1)
        caIssuersURLs = access.filter { $0.0 == "caIssuers" }.map(\.1)

        crlDistributionPoints = Self.decoded(certificate, NID_crl_distribution_points) { (stack: OpaquePointer) in
            (0..<OPENSSL_sk_num(stack)).flatMap { index -> [String] in
                guard let point = OPENSSL_sk_value(stack, index)?.assumingMemoryBound(to: DIST_POINT.self),
                    let name = point.pointee.distpoint, name.pointee.type == 0
                else { return [] }
                return GeneralName.list(name.pointee.name.fullname).compactMap { if case .uri(let uri) = $0 { uri } else { nil } }
            }
        } free: { CRL_DIST_POINTS_free($0) } ?? []

        subjectKeyIdentifier = X509_get0_subject_key_id(certificate).map { Self.hex(asn1Bytes($0)) }
        authorityKeyIdentifier = X509_get0_authority_key_id(certificate).map { Self.hex(asn1Bytes($0)) }
        ocspNoCheck = X509_get_ext_by_NID(certificate, NID_id_pkix_OCSP_noCheck, -1) >= 0
    }

    /// Decodes one extension with `X509_get_ext_d2i`, reads it, and frees it.
    private static func decoded<T>(
        _ certificate: OpaquePointer, _ nid: Int32,
        read: (OpaquePointer) -> T, free: (OpaquePointer) -> Void
    ) -> T? {
        guard let raw = X509_get_ext_d2i(certificate, nid, nil, nil) else { return nil }
        let value = OpaquePointer(raw)
        defer { free(value) }
        return read(value)
    }

    private static func hex(_ bytes: [UInt8]) -> String { HexText.encode(bytes) }
}
