import Foundation
import SandboxCore
import SandboxCrypto

/// Where seal keys and certificates live: `certs/seals/<keyId>.pem`, `certs/private/seals/<keyId>.key` (0600).
struct SealStore {
    let certsDirectory: URL

    func certificateFile(_ keyID: String) -> URL { certsDirectory.appendingPathComponent("seals/\(keyID).pem") }
    func keyFile(_ keyID: String) -> URL { certsDirectory.appendingPathComponent("private/seals/\(keyID).key") }

    /// The seal if its files exist, match, and belong to the current issuing CA (after `init --force` they
    /// do not, and the seal is made again).
    func load(_ definition: SealDefinition, issuing: Certificate) -> Seal? {
        guard let certificatePEM = try? String(contentsOf: certificateFile(definition.keyID), encoding: .utf8),
            let keyPEM = try? String(contentsOf: keyFile(definition.keyID), encoding: .utf8),
            let certificate = try? Certificate(pem: certificatePEM), let key = try? PrivateKey(pem: keyPEM),
            certificate.publicKey.matches(key), certificate.isIssued(by: issuing)
        else { return nil }
        return Seal(keyID: definition.keyID, owner: definition.owner, certificate: certificate, key: key)
    }

    func save(_ seal: Seal) throws {
        try SandboxFiles.ensureDirectory(keyFile(seal.keyID).deletingLastPathComponent())
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: keyFile(seal.keyID).deletingLastPathComponent().path)
        try SandboxFiles.writeAtomically(Data(try seal.key.pkcs8PEM().utf8), to: keyFile(seal.keyID), mode: 0o600)
        try SandboxFiles.writeAtomically(Data(seal.certificate.pem.utf8), to: certificateFile(seal.keyID), mode: 0o644)
    }
}
