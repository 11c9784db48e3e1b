import Foundation
import SandboxCore
import SandboxCrypto
import PKI

extension SandboxConfiguration {
    /// The PKI block's configuration derived from the sandbox's. Its public URL goes into certificates
    /// (OCSP, CRL, issuer links) and verification links: what people and their tools reach.
    func pkiConfiguration(keyAlgorithm: KeyAlgorithm = .ecdsaP256) -> PKIConfiguration {
        PKIConfiguration(
            certsDirectory: certsDirectory, databaseURL: databaseURL(block: "pki"), publicBaseURL: publicURL(.pki),
            keyAlgorithm: keyAlgorithm)
    }
}
