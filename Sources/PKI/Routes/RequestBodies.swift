import Foundation
import Hummingbird
import NIOCore
import SandboxCore
import SandboxCrypto

/// Request bodies of the admin API.
struct IssueCertificateBody: Decodable {
    /// PEM `CERTIFICATE REQUEST`, or its base64 DER.
    var csr: String
    var profile: String
    var subject: [String: String]?
    var subjectAltNames: [String]?
    var validityDays: Int?
    /// Whether to return the issuing CA and root too (default true).
    var includeChain: Bool?
}

struct GenerateKeyPairBody: Decodable {
    var profile: String
    var subject: [String: String]
    var subjectAltNames: [String]?
    var keyAlgorithm: String?
    var validityDays: Int?
    /// `PEM` (default) or `PKCS12`.
    var format: String?
    /// Required for PKCS#12.
    var password: String?
}

struct RevokeBody: Decodable {
    /// RFC 5280 name (`keyCompromise`) or numeric code.
    var reason: String?
    var reasonCode: Int?
    /// Back-dated revocation for labs; defaults to now.
    var revocationTime: Date?
}

struct TimestampBody: Decodable {
    var digestAlgorithm: String?
    /// Base64 digest of the data (the data never leaves the client).
    var digest: String?
    /// Or the data itself, base64, hashed by the server.
    var data: String?
}

/// A document in a JSON request: `{name, bytes}` (base64) or `{name, digest: {algorithm, value}}`.
struct DocumentBody: Decodable {
    struct Digest: Decodable {
        let algorithm: String
        let value: String
    }

    let name: String?
    let bytes: String?
    let digest: Digest?

    /// The document, or a 400 naming `field` and what is wrong.
    func input(field: String, defaultName: String = "document") throws -> DocumentInput {
        let name = self.name ?? defaultName
        switch (bytes, digest) {
        case (let bytes?, nil):
            return .bytes(name: name, try InputParsing.base64(bytes, field: "\(field).bytes"))
        case (nil, let digest?):
            guard let algorithm = DigestAlgorithm(name: digest.algorithm) else {
                throw Problem.badRequest(field: "\(field).digest.algorithm", detail: "use SHA256, SHA384 or SHA512")
            }
            return .digest(name: name, algorithm, try InputParsing.base64(digest.value, field: "\(field).digest.value"))
        default:
            throw Problem.badRequest(field: field, detail: "give either \(field).bytes (base64) or \(field).digest {algorithm, value}")
        }
    }
}

/// Reading raw bodies with a size limit and the right content type.
enum RawBody {
    /// Collects the body, refusing more than `limit` bytes and any content type not in `accepted`.
    static func read(_ request: Request, accepted: [String], limit: Int) async throws -> [UInt8] {
        let contentType = request.headers[.contentType]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let contentType, accepted.contains(contentType) else {
            throw Problem.unsupportedMediaType(expected: accepted, got: contentType)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw Problem.payloadTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else {
            throw Problem.badRequest(field: "body", detail: "the request body is empty")
        }
        return Array(buffer.readableBytesView)
    }
}

/// Parsing of values that arrive as strings.
enum InputParsing {
    static func serial(_ text: String) throws -> SerialNumber {
        guard let serial = SerialNumber(hex: text) else {
            throw Problem.badRequest(field: "serial", detail: "\"\(text.prefix(80))\" is not a serial number: give up to 20 bytes in hex (colons and 0x allowed)")
        }
        return serial
    }

    /// A signature level (`BASELINE_B`, `BASELINE_T`), or `defaultLevel` when absent.
    static func level(_ text: String?, default defaultLevel: SignatureLevel) throws -> SignatureLevel {
        guard let text else { return defaultLevel }
        guard let level = SignatureLevel(rawValue: text) else { throw Problem.badRequest(field: "level", detail: "use BASELINE_B or BASELINE_T") }
        return level
    }

    /// A digest algorithm for new signatures, SHA-256 when absent.
    static func digestAlgorithm(_ text: String?) throws -> DigestAlgorithm {
        guard let algorithm = DigestAlgorithm(name: text ?? "SHA256") else {
            throw Problem.badRequest(field: "digestAlgorithm", detail: "use SHA256, SHA384 or SHA512")
        }
        return algorithm
    }

    /// An X.509 certificate in PEM, or base64 DER.
    static func certificate(_ text: String, field: String) throws -> Certificate {
        do {
            return text.contains("-----BEGIN") ? try Certificate(pem: text) : try Certificate(der: try base64(text, field: field))
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.badRequest(field: field, detail: "not an X.509 certificate (PEM or base64 DER): \(error)")
        }
    }

    /// A CSR in PEM, or base64 DER.
    static func csr(_ text: String) throws -> CertificateSigningRequest {
        do {
            if text.contains("-----BEGIN") { return try CertificateSigningRequest(pem: text) }
            guard let der = Data(base64Encoded: text.filter { !$0.isWhitespace }) else {
                throw Problem.badRequest(field: "csr", detail: "give the CSR as PEM (-----BEGIN CERTIFICATE REQUEST-----) or base64 DER")
            }
            return try CertificateSigningRequest(der: [UInt8](der))
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.badRequest(field: "csr", detail: "not a PKCS#10 certificate request: \(error)")
        }
    }

    /// Standard base64, or base64url, with or without padding and line breaks. Works on bytes: documents
    /// can be megabytes, and per-Character processing of that much text is slow.
    static func base64(_ text: String, field: String) throws -> [UInt8] {
        if let data = Data(base64Encoded: text) { return [UInt8](data) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue  // whitespace, line breaks
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: bytes.append(byte)
            }
        }
        while bytes.count % 4 != 0 { bytes.append(UInt8(ascii: "=")) }
        guard let data = Data(base64Encoded: Data(bytes)) else {
            throw Problem.badRequest(field: field, detail: "not valid base64")
        }
        return [UInt8](data)
    }
}
