import Foundation
import SandboxCrypto
import SandboxTesting
import Testing

@Suite("Keys")
struct KeyTests {
    @Test(arguments: [KeyAlgorithm.ecdsaP256, .ecdsaP384, .rsa(bits: 2048)])
    func generateExportReloadSignVerify(algorithm: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        #expect(key.algorithm == algorithm)
        let reloaded = try PrivateKey(pem: try key.pkcs8PEM())
        #expect(key.publicKey.matches(reloaded))
        let data = Array("agrément".utf8)
        var signature = try reloaded.sign(data, digest: algorithm.signingDigest)
        #expect(key.publicKey.verify(signature: signature, for: data, digest: algorithm.signingDigest))
        signature[signature.count / 2] ^= 0x01
        #expect(!key.publicKey.verify(signature: signature, for: data, digest: algorithm.signingDigest))
        #expect(!key.publicKey.verify(signature: try key.sign(data, digest: .sha256), for: data + [0], digest: .sha256))
    }

    @Test func aKeyFromOpenSSLLoadsAndOursPassesOpenSSL() throws {
        let directory = try TemporaryDirectory()
        let made = try OpenSSLCommand.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem"], in: directory.url)
        #expect(made.status == 0)
        let key = try PrivateKey(pem: String(decoding: try directory.read("k.pem"), as: UTF8.self))
        #expect(key.algorithm == .ecdsaP256)
        try directory.write("ours.pem", try PrivateKey.generate(.ecdsaP384).pkcs8PEM())
        let check = try OpenSSLCommand.run(["pkey", "-in", "ours.pem", "-noout", "-check"], in: directory.url)
        #expect(check.status == 0, "\(check)")
    }

    @Test func encryptedKeysAreRefusedWithoutPrompting() throws {
        let directory = try TemporaryDirectory()
        _ = try OpenSSLCommand.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:x", "-out", "k.pem"], in: directory.url)
        let error = try #require(throws: CryptoError.self) { try PrivateKey(pem: String(decoding: try directory.read("k.pem"), as: UTF8.self)) }
        #expect(error.description.contains("encrypted"))
    }

    @Test func garbageIsACryptoErrorWithOpenSSLsReason() throws {
        let pem = try #require(throws: CryptoError.self) { try PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(!pem.reasons.isEmpty)
        #expect(throws: CryptoError.self) { try PrivateKey(der: [0x30, 0x00]) }
        #expect(throws: CryptoError.self) { try PrivateKey(der: []) }
    }

    @Test func algorithmNamesParse() {
        #expect(KeyAlgorithm(name: "p-256") == .ecdsaP256)
        #expect(KeyAlgorithm(name: "RSA-3072") == .rsa(bits: 3072))
        #expect(KeyAlgorithm(name: "RSA-1024") == nil)
        #expect(DigestAlgorithm(name: "SHA-256") == .sha256)
        #expect(DigestAlgorithm(name: "sha512") == .sha512)
        #expect(DigestAlgorithm(name: "md5") == nil)
        #expect(DigestAlgorithm.sha256.hash(Array("abc".utf8)).prefix(4) == [0xBA, 0x78, 0x16, 0xBF])
    }
}
