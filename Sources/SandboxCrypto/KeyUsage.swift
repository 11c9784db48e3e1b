import COpenSSL
import Foundation

/// Key usage bits (RFC 5280 §4.2.1.3), with the names OpenSSL's config syntax uses.
public enum KeyUsage: String, Sendable, CaseIterable, Codable {
    case digitalSignature
    case nonRepudiation
    case keyEncipherment
    case dataEncipherment
    case keyAgreement
    case keyCertSign
    case cRLSign
    case encipherOnly
    case decipherOnly

    /// The bit as `X509_get_key_usage` reports it.
    var flag: UInt32 {
        switch self {
        case .digitalSignature: 0x80
        case .nonRepudiation: 0x40
        case .keyEncipherment: 0x20
        case .dataEncipherment: 0x10
        case .keyAgreement: 0x08
        case .keyCertSign: 0x04
        case .cRLSign: 0x02
        case .encipherOnly: 0x01
        case .decipherOnly: 0x8000
        }
    }

    /// Usages that RFC 5480 §3 forbids for elliptic-curve keys: a profile that lists them for RSA keys
    /// drops them when the requester's key is EC.
    public var isForbiddenForEllipticCurveKeys: Bool {
        self == .keyEncipherment || self == .dataEncipherment
    }
}

/// Extended key usages the sandbox knows by name; anything else is written as a dotted OID.
public enum ExtendedKeyUsage {
    /// Names accepted in profiles, with the value OpenSSL's config syntax takes.
    public static let known: [String: String] = [
        "serverAuth": "serverAuth",
        "clientAuth": "clientAuth",
        "codeSigning": "codeSigning",
        "emailProtection": "emailProtection",
        "timeStamping": "timeStamping",
        "OCSPSigning": "OCSPSigning",
        // RFC 9336 id-kp-documentSigning; OpenSSL 3.0 has no name for it.
        "documentSigning": "1.3.6.1.5.5.7.3.36",
    ]

    /// The display name of an EKU object read from a certificate.
    static func name(_ object: OpaquePointer?) -> String {
        guard let object else { return "" }
        let dotted = objectDottedString(object)
        if dotted == "1.3.6.1.5.5.7.3.36" { return "documentSigning" }
        return objectName(object)
    }
}
