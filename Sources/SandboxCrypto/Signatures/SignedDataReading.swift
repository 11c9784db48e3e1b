/// A CMS SignedData (RFC 5652 §5) with one signer and that signer's certificate, read straight from its DER:
/// the parts a verifier needs, without building OpenSSL's CMS objects. Security servers verify thousands of
/// such signatures from a handful of signers; parsing the CMS and its certificate each time cost more than
/// the ECDSA verification itself. Anything else (several signers, no certificate, no signed attributes) is
/// refused; ``CAdESSignature`` reads every CMS.
public struct SignedDataReading: Sendable {
    /// DER of the one embedded certificate.
    public let certificate: [UInt8]
    public let digestAlgorithm: DigestAlgorithm?
    /// The signed attributes as the signature covers them: a DER `SET OF` (RFC 5652 §5.4).
    public let signedAttributes: [UInt8]
    public let messageDigest: [UInt8]?
    /// Whether the contentType attribute says id-data, as a detached CAdES signature's does.
    public let declaresData: Bool
    public let signature: [UInt8]
    /// The SignerInfo's `IssuerAndSerialNumber` content, to match against the certificate.
    let signerIdentifier: [UInt8]

    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    static let signedDataOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]
    static let dataOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01]
    static let contentTypeOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03]
    static let messageDigestOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04]
    static let digestOIDs: [[UInt8]: DigestAlgorithm] = [
        [0x2B, 0x0E, 0x03, 0x02, 0x1A]: .sha1,
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]: .sha256,
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02]: .sha384,
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]: .sha512,
    ]

    public init(der: [UInt8]) throws(Unreadable) {
        do {
            try self.init(reading: der)
        } catch let error as Unreadable {
            throw error
        } catch {
            throw Unreadable(description: "not a DER CMS SignedData")
        }
    }

    private init(reading der: [UInt8]) throws {
        var top = DERReader(der)
        let contentInfo = try top.read(0x30)
        guard top.isAtEnd else { throw Unreadable(description: "bytes after the CMS ContentInfo") }
        var info = top.children(of: contentInfo)
        guard info.slice(try info.read(0x06).content) == Self.signedDataOID else { throw Unreadable(description: "not a SignedData") }
        var explicit = info.children(of: try info.read(0xA0))
        var signedData = explicit.children(of: try explicit.read(0x30))
        _ = try signedData.read(0x02)  // version
        _ = try signedData.read(0x31)  // digestAlgorithms
        _ = try signedData.read(0x30)  // encapContentInfo (detached: no eContent needed)
        guard let certificates = try signedData.readIfPresent(0xA0) else { throw Unreadable(description: "no embedded certificate") }
        var certificateSet = signedData.children(of: certificates)
        let certificate = try certificateSet.read(0x30)
        guard certificateSet.isAtEnd else { throw Unreadable(description: "more than one embedded certificate") }
        _ = try signedData.readIfPresent(0xA1)  // crls
        var signerInfos = signedData.children(of: try signedData.read(0x31))
        let signerInfo = try signerInfos.read(0x30)
        guard signerInfos.isAtEnd else { throw Unreadable(description: "more than one signer") }

        var fields = signedData.children(of: signerInfo)
        _ = try fields.read(0x02)  // version
        let identifier = try fields.read(0x30)  // IssuerAndSerialNumber (a subject key identifier is refused)
        var digest = fields.children(of: try fields.read(0x30))
        let digestOID = digest.slice(try digest.read(0x06).content)
        guard let attributes = try fields.readIfPresent(0xA0) else { throw Unreadable(description: "no signed attributes") }
        _ = try fields.read(0x30)  // signatureAlgorithm
        let signature = try fields.read(0x04)

        var messageDigest: [UInt8]?
        var declaresData = false
        var list = fields.children(of: attributes)
        while !list.isAtEnd {
            var attribute = list.children(of: try list.read(0x30))
            let type = attribute.slice(try attribute.read(0x06).content)
            var values = attribute.children(of: try attribute.read(0x31))
            if type == Self.messageDigestOID {
                messageDigest = values.slice(try values.read(0x04).content)
            } else if type == Self.contentTypeOID {
                declaresData = values.slice(try values.read(0x06).content) == Self.dataOID
            }
        }
        self.certificate = Array(der[certificate.whole])
        self.digestAlgorithm = Self.digestOIDs[digestOID]
        // The signature covers the attributes re-tagged as a universal SET (RFC 5652 §5.4).
        var setOf = Array(der[attributes.whole])
        setOf[0] = 0x31
        self.signedAttributes = setOf
        self.messageDigest = messageDigest
        self.declaresData = declaresData
        self.signature = Array(der[signature.content])
        self.signerIdentifier = Array(der[identifier.content])
    }

    /// Whether the SignerInfo names `certificate` (its issuer and serial number) and the signature over the
    /// signed attributes verifies with its key.
    public func isSigned(by certificate: Certificate) -> Bool {
        guard let digestAlgorithm, Self.issuerAndSerial(of: certificate.der) == signerIdentifier else { return false }
        return certificate.publicKey.verify(signature: signature, for: signedAttributes, digest: digestAlgorithm)
    }

    /// The content of `IssuerAndSerialNumber` for a certificate: its issuer Name then its serial INTEGER.
    static func issuerAndSerial(of certificateDER: [UInt8]) -> [UInt8]? {
        var top = DERReader(certificateDER)
        guard let certificate = try? top.read(0x30) else { return nil }
        var outer = top.children(of: certificate)
        guard let tbs = try? outer.read(0x30) else { return nil }
        var fields = outer.children(of: tbs)
        _ = try? fields.readIfPresent(0xA0)  // version
        guard let serial = try? fields.read(0x02), (try? fields.read(0x30)) != nil, let issuer = try? fields.read(0x30) else { return nil }
        return Array(certificateDER[issuer.whole]) + Array(certificateDER[serial.whole])
    }
}
