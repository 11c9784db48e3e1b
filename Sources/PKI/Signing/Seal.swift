import Foundation
import SandboxCrypto

/// A signing key the PKI holds for an organisation: its electronic seal (cachet électronique).
public struct Seal: Sendable {
    public let keyID: String
    /// The X-Road-style identifier of the organisation the seal belongs to, e.g. `GOV/ARCEP`.
    public let owner: String
    public let certificate: Certificate
    let key: PrivateKey
}

/// The seals the sandbox creates on first start. Invented, illustrative identities.
public struct SealDefinition: Sendable {
    public let keyID: String
    public let owner: String
    public let subject: [String: String]

    /// ARCEP's seal, which signs ISP agreements in the sample e-service.
    public static let arcep = SealDefinition(
        keyID: "seal-arcep-sandbox", owner: "GOV/ARCEP",
        subject: [
            "commonName": "ARCEP Bénin – cachet électronique (SANDBOX)", "organizationName": "ARCEP Bénin (SANDBOX)",
            "organizationIdentifier": "NTRBJ-ARCEP-0000", "countryName": "BJ",
        ])

    public static let all = [arcep]
}
