import Foundation
import SandboxCrypto
import Testing

/// The DER reading of a one-signer CMS must agree with OpenSSL's own CMS verification, and refuse the rest.
@Suite("SignedData read from DER")
struct SignedDataReadingTests {
    let pki: TestHierarchy
    let manifest = Array("<asic:ASiCManifest/>\n".utf8)

    init() throws { pki = try TestHierarchy() }

    func sign(chain: [Certificate] = [], digestAlgorithm: DigestAlgorithm = .sha512) throws -> [UInt8] {
        try CAdESSignature.sign(
            digest: digestAlgorithm.hash(manifest), digestAlgorithm: digestAlgorithm, signer: pki.leaf, key: pki.leafKey, chain: chain, signingTime: Date()
        ).der
    }

    @Test func readsWhatOpenSSLSignsAndVerifiesLikeIt() throws {
        let der = try sign()
        let reading = try SignedDataReading(der: der)
        #expect(reading.certificate == pki.leaf.der)
        #expect(reading.digestAlgorithm == .sha512)
        #expect(reading.messageDigest == DigestAlgorithm.sha512.hash(manifest))
        #expect(reading.declaresData)
        #expect(reading.isSigned(by: pki.leaf))
        // The same verdict as OpenSSL's CMS verification of the same bytes.
        let cms = try CAdESSignature(der: der)
        #expect(cms.isSignatureValid(with: pki.leaf))
        // Another certificate, even with the same issuer, does not match the signer identifier.
        let (other, _) = try TestHierarchy.leaf(issuing: pki.issuing, issuingKey: pki.issuingKey, commonName: "other.local")
        #expect(!reading.isSigned(by: other))
    }

    @Test func aChangedAttributeOrSignatureNoLongerVerifies() throws {
        let der = try sign()
        let digest = DigestAlgorithm.sha512.hash(manifest)
        // Flip one byte of the messageDigest value inside the signed attributes.
        let at = try #require(Self.range(of: digest, in: der)).lowerBound
        var changed = der
        changed[at] ^= 0x01
        let reading = try SignedDataReading(der: changed)
        #expect(reading.messageDigest != digest)
        #expect(!reading.isSigned(by: pki.leaf))
        // Flip the last byte (inside the signature value).
        var forged = der
        forged[forged.count - 1] ^= 0x01
        #expect((try? SignedDataReading(der: forged))?.isSigned(by: pki.leaf) != true)
    }

    @Test func refusesWhatItDoesNotRead() throws {
        let der = try sign()
        #expect(throws: SignedDataReading.Unreadable.self) { try SignedDataReading(der: Array(der.dropLast(3))) }
        #expect(throws: SignedDataReading.Unreadable.self) { try SignedDataReading(der: der + [0x00]) }
        #expect(throws: SignedDataReading.Unreadable.self) { try SignedDataReading(der: [0x30, 0x80, 0x00, 0x00]) }
        #expect(throws: SignedDataReading.Unreadable.self) { try SignedDataReading(der: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: SignedDataReading.Unreadable.self) { try SignedDataReading(der: pki.leaf.der) }
        #expect(throws: SignedDataReading.Unreadable.self) { try SignedDataReading(der: []) }
        // Two embedded certificates: not the one-signer form security servers exchange.
        #expect(throws: SignedDataReading.Unreadable.self) { try SignedDataReading(der: try sign(chain: [pki.issuing])) }
        // Another digest is read, and named, so that the caller can refuse it.
        #expect(try SignedDataReading(der: try sign(digestAlgorithm: .sha256)).digestAlgorithm == .sha256)
    }

    static func range(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return start..<start + needle.count
        }
        return nil
    }
}
