import Foundation
import SandboxCore
import SandboxCrypto
import PKI

extension SandboxConfiguration {
    /// The PKI block's configuration derived from the sandbox's.
    func pkiConfiguration(keyAlgorithm: KeyAlgorithm = .ecdsaP256) -> PKIConfiguration {
        PKIConfiguration(
            certsDirectory: certsDirectory, databaseURL: databaseURL(block: "pki"), publicBaseURL: baseURL(.pki),
            keyAlgorithm: keyAlgorithm)
    }
}
