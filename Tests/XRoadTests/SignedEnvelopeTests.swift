import Foundation
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing
@testable import XRoad

/// The envelope security servers exchange, checked part by part, and by the openssl command line.
@Suite("Signed envelope between security servers")
struct SignedEnvelopeTests {
    /// A throwaway root and a member signing certificate under it.
    struct Hierarchy {
        let root: Certificate
        let rootKey: PrivateKey
        let signer: SigningIdentity

        init(serial: String = "BJ-SANDBOX/GOV/ARCEP", policies: [CertificatePolicy] = [.init(oid: SignedEnvelope.signingPolicy)]) throws {
            let now = Date()
            rootKey = try PrivateKey.generate(.ecdsaP256)
            root = try Certificate.issue(
                CertificateTemplate(
                    subject: DistinguishedName([.init("CN", "Test Root \(UUID().uuidString.prefix(8))")]), notBefore: now.addingTimeInterval(-60),
                    notAfter: now.addingTimeInterval(86_400), publicKey: rootKey.publicKey, certificateAuthority: .init(pathLength: nil),
                    keyUsage: [.keyCertSign, .cRLSign]),
                issuer: nil, issuerKey: rootKey)
            let key = try PrivateKey.generate(.ecdsaP256)
            let certificate = try Certificate.issue(
                CertificateTemplate(
                    subject: DistinguishedName([.init("CN", "ARCEP"), .init("serialNumber", serial)]), notBefore: now.addingTimeInterval(-60),
                    notAfter: now.addingTimeInterval(86_400), publicKey: key.publicKey, keyUsage: [.nonRepudiation], policies: policies),
                issuer: root, issuerKey: rootKey)
            signer = SigningIdentity(member: try XRoadClientID.parse(serial), certificate: certificate, key: key, chain: [])
        }
    }

    let parts = [
        MultipartMessage.Part(contentType: RestEnvelopeParts.request, body: Array("GET\r\n/r1/I/C/M/S/svc\r\nX-Road-Client:I/C/M/S\r\n".utf8)),
        MultipartMessage.Part(contentType: RestEnvelopeParts.body, body: Array("{\"q\":\"é\"}".utf8)),
    ]

    @Test func sealOpenAndOpenSSL() throws {
        let hierarchy = try Hierarchy()
        let sealed = try SignedEnvelope.seal(parts, by: hierarchy.signer, at: Date())
        let decoded = try MultipartMessage.decode(sealed.encoded(), contentTypeHeader: sealed.contentType)
        #expect(decoded == sealed)
        let opened = try SignedEnvelope.open(decoded, trustAnchor: hierarchy.root, at: Date())
        #expect(opened.parts == parts)
        #expect(SecurityServerKeys.member(of: opened.signer)?.description == "MEMBER:BJ-SANDBOX/GOV/ARCEP")
        let manifest = String(decoding: opened.manifest, as: UTF8.self)
        #expect(manifest.contains(Data(DigestAlgorithm.sha512.hash(parts[1].body)).base64EncodedString()))

        // The signature is a detached CAdES over the manifest that openssl verifies.
        let directory = try TemporaryDirectory("envelope")
        try directory.write("manifest.xml", opened.manifest)
        try directory.write("signature.p7s", opened.signature)
        try directory.write("root.pem", hierarchy.root.pem)
        let verified = try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "signature.p7s", "-content", "manifest.xml", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
            in: directory.url)
        #expect(verified.all.contains("Verification successful"), "\(verified)")
    }

    @Test func aBodyChangedInTransitIsCaught() throws {
        let hierarchy = try Hierarchy()
        let sealed = try SignedEnvelope.seal(parts, by: hierarchy.signer, at: Date())
        var bytes = sealed.encoded()
        let index = try #require(ByteSearch.firstIndex(of: Array("\"q\"".utf8), in: bytes))
        bytes[index + 1] = UInt8(ascii: "x")
        let tampered = try MultipartMessage.decode(bytes, contentTypeHeader: sealed.contentType)
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(tampered, trustAnchor: hierarchy.root, at: Date()) }
        #expect(error?.kind == .digestMismatch)
    }

    /// A certificate under the right root but of another profile (a person's, say) cannot sign for a member.
    @Test func onlyXRoadSigningCertificatesSign() throws {
        let person = try Hierarchy(policies: [.init(oid: "2.999.1.2.4")])
        let sealed = try SignedEnvelope.seal(parts, by: person.signer, at: Date())
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(sealed, trustAnchor: person.root, at: Date()) }
        #expect(error?.kind == .invalidSignature)
        #expect(error?.description.contains("xroad-sign") == true)
    }

    @Test func aSignerFromAnotherCAIsUntrusted() throws {
        let ours = try Hierarchy()
        let theirs = try Hierarchy()
        let sealed = try SignedEnvelope.seal(parts, by: theirs.signer, at: Date())
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(sealed, trustAnchor: ours.root, at: Date()) }
        #expect(error?.kind == .untrustedSigner)
    }

    @Test(arguments: [
        ("text/plain", "--b\r\nContent-Type: x\r\n\r\nA\r\n--b--\r\n"),
        ("multipart/mixed; boundary=b", "no boundary at all"),
        ("multipart/mixed; boundary=b", "--b\r\nContent-Type: x\r\n\r\nA\r\n--b"),
        ("multipart/mixed; boundary=b", "--b\r\nNo-Type: x\r\n\r\nA\r\n--b--\r\n"),
        ("multipart/mixed; boundary=b", "--bXContent-Type: x\r\n\r\nA\r\n--b--\r\n"),
    ])
    func hostileMultipartIsRefused(contentType: String, body: String) {
        #expect(throws: MultipartError.self) { try MultipartMessage.decode(Array(body.utf8), contentTypeHeader: contentType) }
    }

    @Test("The boundary is read from the Content-Type as receivers of multipart/mixed read it", arguments: [
        ("multipart/mixed; boundary=xroad-1", "xroad-1"),
        ("Multipart/Mixed;BOUNDARY=\"quoted b\"", "quoted b"),
        ("multipart/mixed; charset=UTF-8;\tboundary=b2 ", "b2"),
        ("multipart/mixed; charset=UTF-8", nil),
        ("multipart/related; boundary=b", nil),
        (" multipart/mixed; boundary=b", nil),
        ("", nil),
    ] as [(String, String?)])
    func boundaryParameter(header: String, boundary: String?) {
        #expect(MultipartMessage.boundary(inContentType: header) == boundary)
    }

    @Test func aBoundaryWithQuotesAndOtherParametersDecodes() throws {
        let body = "--b 1\r\ncontent-type: x\r\n\r\nA\r\n--b 1--\r\n"
        let message = try MultipartMessage.decode(Array(body.utf8), contentTypeHeader: "multipart/mixed; charset=utf-8; boundary=\"b 1\"")
        #expect(message.parts == [.init(contentType: "x", body: Array("A".utf8))])
    }

    @Test func tooManyPartsAreRefused() {
        let body = String(repeating: "--b\r\nContent-Type: x\r\n\r\nA\r\n", count: 40) + "--b--\r\n"
        #expect(throws: MultipartError.self) { try MultipartMessage.decode(Array(body.utf8), contentTypeHeader: "multipart/mixed; boundary=b") }
    }
}
