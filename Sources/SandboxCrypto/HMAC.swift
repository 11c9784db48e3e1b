import COpenSSL
import Foundation

/// HMAC through OpenSSL (`EVP_Q_mac`), for webhook signatures: never a hand-rolled construction.
public enum HMAC {
    /// The MAC of `message` under `key` with `algorithm`.
    public static func authenticationCode(for message: [UInt8], key: [UInt8], algorithm: DigestAlgorithm = .sha256) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length = 0
        // A zero-length key or message is legal for HMAC, but OpenSSL wants non-null pointers.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        let result = keyBytes.withUnsafeBufferPointer { keyPointer in
            messageBytes.withUnsafeBufferPointer { messagePointer in
                output.withUnsafeMutableBufferPointer { out in
                    EVP_Q_mac(
                        nil, "HMAC", nil, algorithm.rawValue, nil, keyPointer.baseAddress, key.count,
                        messagePointer.baseAddress, message.count, out.baseAddress, out.count, &length)
                }
            }
        }
        precondition(result != nil, "EVP_Q_mac(HMAC-\(algorithm.rawValue)) failed: the OpenSSL installation is broken")
        return Array(output.prefix(length))
    }

    /// Compares two MACs in constant time (`CRYPTO_memcmp`), so a forger learns nothing from timing.
    public static func isEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count, !left.isEmpty else { return false }
        return left.withUnsafeBytes { l in right.withUnsafeBytes { r in CRYPTO_memcmp(l.baseAddress, r.baseAddress, l.count) == 0 } }
    }
}
