import COpenSSL
import Foundation

/// Detached CAdES-B-B signatures by one signer, many times over (a security server signs every message with
/// its member's key). The first signature is built by OpenSSL's CMS code; its constant parts — the
/// SignedData up to the signers, the signer identifier and algorithms, the contentType and
/// signingCertificateV2 attributes — are kept, and each later signature only encodes the two attributes
/// that change (messageDigest, signingTime), signs them with the key, and puts the pieces together. The
/// result is the same structure OpenSSL writes, and verifies with `openssl cms -verify`.
public final class RepeatedCAdESSigner: Sendable {
    let key: PrivateKey
    public let digestAlgorithm: DigestAlgorithm
    /// The ContentInfo's contentType (id-signedData) TLV.
    let contentType: [UInt8]
    /// SignedData's version, digestAlgorithms, encapContentInfo and certificates, as encoded.
    let signedDataHead: [UInt8]
    /// SignerInfo's version, signer identifier and digest algorithm, as encoded.
    let signerInfoHead: [UInt8]
    let signatureAlgorithm: [UInt8]
    /// Signed attributes that are the same in every signature.
    let constantAttributes: [[UInt8]]

    static let messageDigestOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04]
    static let signingTimeOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05]

    /// - Parameter chain: issuers to embed after the signer's certificate.
    public init(certificate: Certificate, key: PrivateKey, digestAlgorithm: DigestAlgorithm, chain: [Certificate] = []) throws {
        let template = try CAdESSignature.sign(
            digest: digestAlgorithm.hash([]), digestAlgorithm: digestAlgorithm, signer: certificate, key: key, chain: chain, signingTime: Date()
        ).der
        do {
            var top = DERReader(template)
            var contentInfo = top.children(of: try top.read(0x30))
            let type = try contentInfo.read(0x06)
            var explicit = contentInfo.children(of: try contentInfo.read(0xA0))
            var signedData = explicit.children(of: try explicit.read(0x30))
            let version = try signedData.read(0x02)
            _ = try signedData.read(0x31)
            var headEnd = try signedData.read(0x30).whole.upperBound
            if let certificates = try signedData.readIfPresent(0xA0) { headEnd = certificates.whole.upperBound }
            if let crls = try signedData.readIfPresent(0xA1) { headEnd = crls.whole.upperBound }
            var signerInfos = signedData.children(of: try signedData.read(0x31))
            var signerInfo = signerInfos.children(of: try signerInfos.read(0x30))
            let signerVersion = try signerInfo.read(0x02)
            _ = try signerInfo.read(0x30)
            let digest = try signerInfo.read(0x30)
            let attributes = try signerInfo.read(0xA0)
            let algorithm = try signerInfo.read(0x30)
            var list = signerInfo.children(of: attributes)
            var constant: [[UInt8]] = []
            while !list.isAtEnd {
                let attribute = try list.read(0x30)
                var fields = list.children(of: attribute)
                let oid = fields.slice(try fields.read(0x06).content)
                if oid != Self.messageDigestOID && oid != Self.signingTimeOID { constant.append(list.slice(attribute.whole)) }
            }
            contentType = Array(template[type.whole])
            signedDataHead = Array(template[version.whole.lowerBound..<headEnd])
            signerInfoHead = Array(template[signerVersion.whole.lowerBound..<digest.whole.upperBound])
            signatureAlgorithm = Array(template[algorithm.whole])
            constantAttributes = constant
        } catch {
            throw CryptoError("prepare repeated signatures", reasons: ["OpenSSL's CMS is not in the expected shape"])
        }
        self.key = key
        self.digestAlgorithm = digestAlgorithm
    }

    /// A detached signature over content whose hash under ``digestAlgorithm`` is `digest`.
    public func sign(digest: [UInt8], signingTime: Date) throws -> [UInt8] {
        guard digest.count == digestAlgorithm.length else {
            throw CryptoError("sign", reasons: ["a \(digestAlgorithm.rawValue) digest has \(digestAlgorithm.length) bytes, not \(digest.count)"])
        }
        var attributes = constantAttributes
        attributes.append(Self.attribute(Self.messageDigestOID, value: DER.wrap(tag: 0x04, digest)))
        attributes.append(Self.attribute(Self.signingTimeOID, value: Self.time(signingTime)))
        attributes.sort(by: CAdESSignature.derSetOrder)
        var signedAttributes = DER.wrap(tag: 0x31, attributes.flatMap { $0 })
        let value = try key.sign(signedAttributes, digest: digestAlgorithm)
        signedAttributes[0] = 0xA0  // [0] IMPLICIT in the SignerInfo
        let signerInfo = DER.wrap(tag: 0x30, signerInfoHead + signedAttributes + signatureAlgorithm + DER.wrap(tag: 0x04, value))
        let signedData = DER.wrap(tag: 0x30, signedDataHead + DER.wrap(tag: 0x31, signerInfo))
        return DER.wrap(tag: 0x30, contentType + DER.wrap(tag: 0xA0, signedData))
    }

    static func attribute(_ oid: [UInt8], value: [UInt8]) -> [UInt8] {
        DER.wrap(tag: 0x30, DER.wrap(tag: 0x06, oid) + DER.wrap(tag: 0x31, value))
    }

    /// UTCTime for 1950–2049 and GeneralizedTime otherwise, as RFC 5652 §11.3 requires, to the second.
    static func time(_ date: Date) -> [UInt8] {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        var text: [UInt8] = []
        func two(_ number: Int32) {
            text.append(UInt8(ascii: "0") + UInt8(number / 10 % 10))
            text.append(UInt8(ascii: "0") + UInt8(number % 10))
        }
        let utc = (1950..<2050).contains(year)
        if utc { two(Int32(year % 100)) } else { two(Int32(year / 100)); two(Int32(year % 100)) }
        two(parts.tm_mon + 1)
        two(parts.tm_mday)
        two(parts.tm_hour)
        two(parts.tm_min)
        two(parts.tm_sec)
        text.append(UInt8(ascii: "Z"))
        return DER.wrap(tag: utc ? 0x17 : 0x18, text)
    }
}
