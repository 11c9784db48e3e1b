import ArgumentParser
import Foundation
import PKI
import SandboxCore
import SandboxCrypto

/// `sandbox init`: write the trust material without starting anything.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write the sandbox CA (root, issuing CA, OCSP responder, TSA) and the certificate profiles into the certs directory.",
        discussion: "Idempotent: an existing CA is kept unless --force is given; --force moves the old one aside, never deletes it.")

    @OptionGroup var options: SandboxOptions

    @Flag(help: "Regenerate the trust material even if it exists.")
    var force = false

    @Option(help: "Key type of the CA keys: EC-P256 (default), EC-P384, RSA-2048, RSA-3072, RSA-4096.")
    var keyAlgorithm: String = "EC-P256"

    func validate() throws {
        guard KeyAlgorithm(name: keyAlgorithm) != nil else {
            throw ValidationError("--key-algorithm must be EC-P256, EC-P384, RSA-2048, RSA-3072 or RSA-4096")
        }
    }

    func run() async throws {
        let configuration = options.configuration
        let algorithm = KeyAlgorithm(name: keyAlgorithm) ?? .ecdsaP256
        let outcome = try PKIBootstrap.ensure(configuration: configuration.pkiConfiguration(keyAlgorithm: algorithm), force: force, now: Date())
        let directory = configuration.certsDirectory.path
        if outcome.generated {
            print("Trust material written to \(directory)/ (\(algorithm.name) keys in \(directory)/private/, mode 0600).")
        } else {
            print("Trust material already present in \(directory)/; kept (use --force to regenerate).")
        }
        for folder in outcome.archived { print("Previous material moved to \(folder.path)") }
        print("Root CA SHA-256: \(outcome.trust.root.fingerprintSHA256Colons)")
        print("Check it with: openssl x509 -in \(directory)/root-ca.pem -noout -fingerprint -sha256")
    }
}
