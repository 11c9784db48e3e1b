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

    @Test func sealOpenAndOpenSSL() async throws {
        let hierarchy = try Hierarchy()
        let sealed = try await SignedEnvelope.seal(parts, by: hierarchy.signer, at: Date())
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

    @Test func aBodyChangedInTransitIsCaught() async throws {
        let hierarchy = try Hierarchy()
        let sealed = try await SignedEnvelope.seal(parts, by: hierarchy.signer, at: Date())
        var bytes = sealed.encoded()
        let index = try #require(ByteSearch.firstIndex(of: Array("\"q\"".utf8), in: bytes))
        bytes[index + 1] = UInt8(ascii: "x")
        let tampered = try MultipartMessage.decode(bytes, contentTypeHeader: sealed.contentType)
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(tampered, trustAnchor: hierarchy.root, at: Date()) }
        #expect(error?.kind == .digestMismatch)
    }

    /// A certificate under the right root but of another profile (a person's, say) cannot sign for a member.
    @Test func onlyXRoadSigningCertificatesSign() async throws {
        let person = try Hierarchy(policies: [.init(oid: "2.999.1.2.4")])
        let sealed = try await SignedEnvelope.seal(parts, by: person.signer, at: Date())
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(sealed, trustAnchor: person.root, at: Date()) }
        #expect(error?.kind == .invalidSignature)
        #expect(error?.description.contains("xroad-sign") == true)
    }

    @Test func aSignerFromAnotherCAIsUntrusted() async throws {
        let ours = try Hierarchy()
        let theirs = try Hierarchy()
        let sealed = try await SignedEnvelope.seal(parts, by: theirs.signer, at: Date())
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(sealed, trustAnchor: ours.root, at: Date()) }
        #expect(error?.kind == .untrustedSigner)
    }

    /// Three messages of one batch, as `BatchSigner` seals the exchanges that wait for the same key.
    func batchOfThree(_ hierarchy: Hierarchy) throws -> [MultipartMessage] {
        let messages = (1...3).map { index in
            [MultipartMessage.Part(contentType: RestEnvelopeParts.request, body: Array("GET\r\n/r1/I/C/M/S/svc?n=\(index)\r\n".utf8))]
        }
        let manifests = messages.map { SignedEnvelope.manifest(for: $0) }
        let signed = try BatchSigner.sign(manifests, by: hierarchy.signer, at: Date())
        return zip(messages, zip(manifests, signed)).map { SignedEnvelope.assemble($0, manifest: $1.0, signed: $1.1) }
    }

    @Test func aBatchSharesOneSignatureOverItsBatchManifest() throws {
        let hierarchy = try Hierarchy()
        let trusted = TrustedSigners()
        let opened = try batchOfThree(hierarchy).map { sealed in
            let decoded = try MultipartMessage.decode(sealed.encoded(), contentTypeHeader: sealed.contentType)
            #expect(decoded.parts.map(\.contentType).suffix(3) == [SignedEnvelope.manifestType, BatchManifest.contentType, SignedEnvelope.signatureType])
            return try SignedEnvelope.open(decoded, trustAnchor: hierarchy.root, at: Date(), trustedSigners: trusted)
        }
        #expect(Set(opened.map(\.signature)).count == 1)
        let batchManifest = try #require(opened[0].batchManifest)
        #expect(opened.allSatisfy { $0.batchManifest == batchManifest })
        #expect(BatchManifest.count(in: batchManifest) == 3)

        // openssl verifies the signature over the batch manifest, which lists each manifest's SHA-512.
        let directory = try TemporaryDirectory("batch")
        try directory.write("batch.xml", batchManifest)
        try directory.write("signature.p7s", opened[0].signature)
        try directory.write("root.pem", hierarchy.root.pem)
        let verified = try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "signature.p7s", "-content", "batch.xml", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
            in: directory.url)
        #expect(verified.all.contains("Verification successful"), "\(verified)")
        let listing = String(decoding: batchManifest, as: UTF8.self)
        for (index, message) in opened.enumerated() {
            try directory.write("manifest\(index).xml", message.manifest)
            let digest = try OpenSSLCommand.run(["dgst", "-sha512", "-binary", "-out", "digest\(index)", "manifest\(index).xml"], in: directory.url)
            #expect(digest.status == 0)
            let base64 = try Data(contentsOf: directory.file("digest\(index)")).base64EncodedString()
            #expect(listing.contains("<ds:DigestValue>\(base64)</ds:DigestValue>"), "manifest \(index)")
        }
    }

    @Test func aMessageChangedInsideABatchIsCaught() throws {
        let hierarchy = try Hierarchy()
        let sealed = try batchOfThree(hierarchy)[1]
        // Changed in transit, with a manifest rebuilt to match: the new manifest is not in the signed batch.
        var parts = Array(sealed.parts.dropLast(3))
        parts[0] = .init(contentType: parts[0].contentType, body: Array("GET\r\n/r1/I/C/M/S/other\r\n".utf8))
        let proof = SignedEnvelope.proof(of: sealed)
        let forged = SignedEnvelope.assemble(
            parts, manifest: SignedEnvelope.manifest(for: parts), signed: .init(signature: proof.signature, batchManifest: proof.batchManifest))
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(forged, trustAnchor: hierarchy.root, at: Date()) }
        #expect(error?.kind == .digestMismatch)
        #expect(error?.description.contains("batch manifest") == true)
    }

    /// The verified signature is remembered by its bytes, but each message's batch manifest is still
    /// checked against the digest it signs: a batch manifest extended with another message does not pass.
    @Test func aRememberedBatchSignatureCoversOnlyItsOwnBatchManifest() throws {
        let hierarchy = try Hierarchy()
        let trusted = TrustedSigners()
        let sealed = try batchOfThree(hierarchy)
        _ = try SignedEnvelope.open(sealed[0], trustAnchor: hierarchy.root, at: Date(), trustedSigners: trusted)
        let proof = SignedEnvelope.proof(of: sealed[0])
        let parts = [MultipartMessage.Part(contentType: RestEnvelopeParts.request, body: Array("DELETE\r\n/r1/I/C/M/S/all\r\n".utf8))]
        let manifest = SignedEnvelope.manifest(for: parts)
        let extended = BatchManifest.document(listing: [DigestAlgorithm.sha512.hash(proof.manifest), DigestAlgorithm.sha512.hash(manifest)])
        let forged = SignedEnvelope.assemble(parts, manifest: manifest, signed: .init(signature: proof.signature, batchManifest: extended))
        let error = #expect(throws: EnvelopeError.self) { try SignedEnvelope.open(forged, trustAnchor: hierarchy.root, at: Date(), trustedSigners: trusted) }
        #expect(error?.kind == .invalidSignature)
    }

    /// Exchanges that reach their signature together are signed in batches; every message opens.
    @Test func concurrentSealsShareSignatures() async throws {
        let hierarchy = try Hierarchy()
        let count = 40
        let sealed = try await withThrowingTaskGroup(of: MultipartMessage.self) { group in
            for index in 0..<count {
                group.addTask {
                    let parts = [MultipartMessage.Part(contentType: RestEnvelopeParts.request, body: Array("GET\r\n/r1/I/C/M/S/svc?n=\(index)\r\n".utf8))]
                    return try await SignedEnvelope.seal(parts, by: hierarchy.signer, at: Date())
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let trusted = TrustedSigners()
        let opened = try sealed.map { try SignedEnvelope.open($0, trustAnchor: hierarchy.root, at: Date(), trustedSigners: trusted) }
        #expect(Set(opened.map { String(decoding: $0.parts[0].body, as: UTF8.self) }).count == count)
        #expect(Set(opened.map(\.signature)).count < count)
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
