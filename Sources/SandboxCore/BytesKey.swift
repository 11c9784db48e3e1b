/// Bytes as a dictionary key, hashed in one pass. `[UInt8]`'s own `Hashable` feeds the hasher one byte at a
/// time, which made the certificate caches keyed by DER (checked on every exchange) show in profiles.
public struct BytesKey: Hashable, Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
