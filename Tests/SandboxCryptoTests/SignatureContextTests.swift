import Foundation
import SandboxCrypto
import SandboxTesting
import Testing

/// Signing and verifying reuse initialised OpenSSL contexts per key: these check that reuse changes
/// nothing a verifier can see, under concurrency and after bad input.
@Suite("Reused signature contexts")
struct SignatureContextTests {
    /// The `openssl` command line verifies what the reused contexts sign, for each digest a context is
    /// set up with (RSA's PKCS#1 v1.5 `DigestInfo` names the digest, so a wrong one would show).
    @Test(arguments: [(KeyAlgorithm.rsa(bits: 2048), DigestAlgorithm.sha256), (.rsa(bits: 2048), .sha512), (.ecdsaP256, .sha256), (.ecdsaP384, .sha384)])
    func openSSLVerifiesEverySignature(algorithm: KeyAlgorithm, digest: DigestAlgorithm) throws {
        let directory = try TemporaryDirectory()
        let key = try PrivateKey.generate(algorithm)
        _ = try directory.write("key.pub", key.publicKey.pem)
        for round in 0..<3 {
            let data = Array("demande d'agrément FAI n° \(round)".utf8)
            _ = try directory.write("data-\(round)", data)
            _ = try directory.write("sig-\(round)", try key.sign(data, digest: digest))
            let verified = try OpenSSLCommand.run(
                ["dgst", "-\(digest.openSSLName)", "-verify", "key.pub", "-signature", "sig-\(round)", "data-\(round)"], in: directory.url)
            #expect(verified.status == 0 && verified.output.contains("Verified OK"), "\(verified)")
        }
    }

    @Test func concurrentSignaturesAllVerifyAndAForeignOneDoesNot() async throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let other = try PrivateKey.generate(.ecdsaP256)
        let publicKey = key.publicKey
        let results = await withTaskGroup(of: (Bool, Bool).self) { group in
            for index in 0..<64 {
                group.addTask {
                    let data = Array("message \(index)".utf8)
                    guard let mine = try? key.sign(data, digest: .sha256), let theirs = try? other.sign(data, digest: .sha256) else { return (false, true) }
                    return (publicKey.verify(signature: mine, for: data, digest: .sha256), publicKey.verify(signature: theirs, for: data, digest: .sha256))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0.0 }, "every signature by the key verifies")
        #expect(results.allSatisfy { !$0.1 }, "no signature by another key verifies")
    }

    /// A signature that is not even DER makes OpenSSL fail rather than answer "no"; the context that saw
    /// it is dropped, and the next verification with the same key is unaffected.
    @Test(arguments: [[], [0x30, 0x02, 0x02], [UInt8](repeating: 0xFF, count: 600)])
    func garbageSignaturesAreFalseAndLeaveTheKeyUsable(garbage: [UInt8]) throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let data = Array("ifu 3202412345678".utf8)
        let signature = try key.sign(data, digest: .sha256)
        for _ in 0..<3 {
            #expect(!key.publicKey.verify(signature: garbage, for: data, digest: .sha256))
            #expect(key.publicKey.verify(signature: signature, for: data, digest: .sha256))
        }
        #expect(!key.publicKey.verify(signature: signature, for: data, digest: .sha384), "a different digest is a different message")
    }

    @Test func aCertificateKeepsOneKeyAndItVerifies() throws {
        let hierarchy = try TestHierarchy()
        let certificate = hierarchy.leaf
        #expect(certificate.publicKey === certificate.publicKey)
        let data = Array("rccm RB/COT/24 B 00042".utf8)
        let signature = try hierarchy.leafKey.sign(data, digest: .sha256)
        #expect(certificate.publicKey.verify(signature: signature, for: data, digest: .sha256))
    }
}
