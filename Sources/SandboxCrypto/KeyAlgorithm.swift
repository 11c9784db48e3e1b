import COpenSSL
import Foundation

/// Key types the sandbox generates and accepts in CSRs. ECDSA P-256 is the default everywhere: small keys,
/// fast signatures, short QR-friendly signatures. RSA stays available for interoperability labs.
public enum KeyAlgorithm: Sendable, Hashable, CustomStringConvertible, Codable {
    case ecdsaP256
    case ecdsaP384
    case rsa(bits: Int)

    /// Parses `EC-P256`, `P-256`, `ECDSA-P384`, `RSA-3072`, `RSA` (= 3072), case-insensitively.
    public init?(name: String) {
        let text = name.uppercased().replacingOccurrences(of: "_", with: "-")
        switch text {
        case "EC-P256", "P-256", "P256", "ECDSA-P256", "EC", "ECDSA", "PRIME256V1": self = .ecdsaP256
        case "EC-P384", "P-384", "P384", "ECDSA-P384", "SECP384R1": self = .ecdsaP384
        case "RSA": self = .rsa(bits: 3072)
        default:
            guard text.hasPrefix("RSA-"), let bits = Int(text.dropFirst(4)), [2048, 3072, 4096].contains(bits) else { return nil }
            self = .rsa(bits: bits)
        }
    }

    /// The canonical name (`EC-P256`, `RSA-3072`), used in profiles, the API and the CLI.
    public var name: String {
        switch self {
        case .ecdsaP256: "EC-P256"
        case .ecdsaP384: "EC-P384"
        case .rsa(let bits): "RSA-\(bits)"
        }
    }

    public var description: String { name }

    /// The digest that matches the key's strength when it signs certificates, CRLs and responses.
    public var signingDigest: DigestAlgorithm {
        switch self {
        case .ecdsaP384: .sha384
        case .ecdsaP256, .rsa: .sha256
        }
    }

    /// Whether the key is an elliptic-curve key (decides which key usages a certificate may carry).
    public var isEllipticCurve: Bool {
        if case .rsa = self { return false }
        return true
    }

    /// The `openssl genpkey` arguments that make such a key, for `--explain`.
    public var openSSLGenpkeyArguments: String {
        switch self {
        case .ecdsaP256: "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
        case .ecdsaP384: "-algorithm EC -pkeyopt ec_paramgen_curve:P-384"
        case .rsa(let bits): "-algorithm RSA -pkeyopt rsa_keygen_bits:\(bits)"
        }
    }

    /// The name `openssl speed` uses for this key's signatures.
    public var openSSLSpeedName: String {
        switch self {
        case .ecdsaP256: "ecdsap256"
        case .ecdsaP384: "ecdsap384"
        case .rsa(let bits): "rsa\(bits)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = KeyAlgorithm(name: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown key algorithm \(text): use EC-P256, EC-P384, RSA-2048, RSA-3072 or RSA-4096"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
