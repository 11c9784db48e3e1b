import Foundation

/// CRLReason codes (RFC 5280 §5.3.1), with their RFC names. Code 7 is not used.
public enum RevocationReason: Int, Sendable, CaseIterable, Codable {
    case unspecified = 0
    case keyCompromise = 1
    case cACompromise = 2
    case affiliationChanged = 3
    case superseded = 4
    case cessationOfOperation = 5
    case certificateHold = 6
    case removeFromCRL = 8
    case privilegeWithdrawn = 9
    case aACompromise = 10

    /// The RFC 5280 name, e.g. `keyCompromise`.
    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .keyCompromise: "keyCompromise"
        case .cACompromise: "cACompromise"
        case .affiliationChanged: "affiliationChanged"
        case .superseded: "superseded"
        case .cessationOfOperation: "cessationOfOperation"
        case .certificateHold: "certificateHold"
        case .removeFromCRL: "removeFromCRL"
        case .privilegeWithdrawn: "privilegeWithdrawn"
        case .aACompromise: "aACompromise"
        }
    }

    /// Parses a name case-insensitively (`keyCompromise`, `KEY_COMPROMISE`) or a numeric code.
    public init?(name: String) {
        // The code is read before separators are dropped: "-1" is not a code, and must not become 1.
        if let code = Int(name) {
            self.init(rawValue: code)
            return
        }
        let normalized = name.lowercased().replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "")
        guard let match = Self.allCases.first(where: { $0.name.lowercased() == normalized }) else { return nil }
        self = match
    }
}
