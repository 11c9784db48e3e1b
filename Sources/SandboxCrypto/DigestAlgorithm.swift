import COpenSSL
import Foundation

/// The hash functions the sandbox accepts. Each is fetched from OpenSSL's default provider once: OpenSSL 3
/// takes a global lock on every implicit fetch (`EVP_sha256()` and friends), which shows in benchmarks.
public enum DigestAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// Accepts the spellings people use: `SHA256`, `sha-256`, `SHA-256`, `sha256`.
    public init?(name: String) {
        let normalized = name.uppercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        self.init(rawValue: normalized)
    }

    /// Length of the digest in bytes.
    public var length: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The name `openssl dgst` and `openssl ts` take (`-sha256`).
    public var openSSLName: String { rawValue.lowercased() }

    var nid: Int32 {
        switch self {
        case .sha1: NID_sha1
        case .sha256: NID_sha256
        case .sha384: NID_sha384
        case .sha512: NID_sha512
        }
    }

    /// The algorithm whose NID is `nid`, if it is one we accept.
    init?(nid: Int32) {
        guard let match = Self.allCases.first(where: { $0.nid == nid }) else { return nil }
        self = match
    }

    /// The fetched `EVP_MD`, shared by every thread (it is immutable once fetched).
    var md: OpaquePointer { Self.fetched[self]! }

    nonisolated(unsafe) private static let fetched: [DigestAlgorithm: OpaquePointer] = {
        var table: [DigestAlgorithm: OpaquePointer] = [:]
        for algorithm in DigestAlgorithm.allCases {
            guard let md = EVP_MD_fetch(nil, algorithm.rawValue, nil) else {
                fatalError("OpenSSL's default provider has no \(algorithm.rawValue): the OpenSSL installation is broken")
            }
            table[algorithm] = md
        }
        return table
    }()

    /// Hashes `data` in one call.
    public func hash(_ data: some ContiguousBytes) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &output, &length, md, nil)
        }
        precondition(ok == 1, "EVP_Digest failed for \(rawValue)")
        return Array(output.prefix(Int(length)))
    }
}
