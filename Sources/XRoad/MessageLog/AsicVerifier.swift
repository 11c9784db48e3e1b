import Foundation
import SandboxCore
import SandboxCrypto

/// Checks an ASiC-E container from `/asic` the way X-Road's asicverifier does, with the sandbox's formats:
/// the manifest's digests against the files, the manifest's place in the batch manifest when it was signed
/// in a batch, the signature over the manifest (or batch manifest) and its signer's path to the root, the
/// batch timestamp over the hash chain, and the signature's presence in that chain.
public enum AsicVerifier {
    public struct Check: Sendable, Codable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    public struct Report: Sendable, Codable {
        public var signer: String?
        public var member: String?
        public var signedAt: Date?
        public var timestampedAt: Date?
        public var timestampAuthority: String?
        public var files: [String]
        public var checks: [Check]
        /// The start of the signed message, for a human to see what it was.
        public var messagePreview: String?

        public var isValid: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }
    }

    public static func verify(_ data: Data, trustAnchor: Certificate, intermediates: [Certificate] = []) throws -> Report {
        var files: [String: [UInt8]] = [:]
        for (path, bytes) in try AsicContainer.entries(of: data) { files[path] = Array(bytes) }
        var report = Report(files: files.keys.sorted(), checks: [])
        func check(_ name: String, _ passed: Bool, _ detail: String) { report.checks.append(Check(name: name, passed: passed, detail: detail)) }

        check("mimetype", files["mimetype"].map { String(decoding: $0, as: UTF8.self) } == AsicContainer.mimeType, "mimetype is \(AsicContainer.mimeType)")
        guard let manifest = files["META-INF/ASiCManifest.xml"], let signatureBytes = files["META-INF/signature.p7s"] else {
            check("structure", false, "META-INF/ASiCManifest.xml or META-INF/signature.p7s is missing")
            return report
        }
        let manifestText = String(decoding: manifest, as: UTF8.self)
        for name in ["message.http", "message.xml", "attachment1"] {
            guard let bytes = files[name] else { continue }
            let digest = Data(DigestAlgorithm.sha512.hash(bytes)).base64EncodedString()
            let listed = manifestText.contains(#"URI="\#(name)""#) && manifestText.contains("<ds:DigestValue>\(digest)</ds:DigestValue>")
            check("digest \(name)", listed, listed ? "SHA-512 matches the manifest" : "SHA-512 differs from the manifest (changed, or logged as metadata only)")
        }
        if report.messagePreview == nil, let message = files["message.http"] ?? files["message.xml"] {
            report.messagePreview = String(String(decoding: message.prefix(400), as: UTF8.self))
        }
        let batchManifest = files[AsicContainer.batchManifestPath]
        if let batchManifest {
            let listed = BatchManifest.lists(DigestAlgorithm.sha512.hash(manifest), in: batchManifest)
            check(
                "batch", listed,
                listed ? "the manifest's SHA-512 is listed in the batch manifest the signature covers" : "the manifest's SHA-512 is not in the batch manifest")
        }
        let signedDocument = batchManifest ?? manifest
        let signedName = batchManifest == nil ? "the manifest" : "the batch manifest"
        do {
            let signature = try CAdESSignature(der: signatureBytes)
            let embedded = signature.certificates
            guard let signer = signature.signerCertificate(among: embedded) else { throw EnvelopeError(.malformed, "no signer certificate") }
            report.signer = signer.subject.description
            report.member = SecurityServerKeys.member(of: signer)?.description
            report.signedAt = signature.signingTime
            check(
                "signature", signature.messageDigest == DigestAlgorithm.sha512.hash(signedDocument) && signature.isSignatureValid(with: signer),
                "CAdES over \(signedName) by \(signer.subject)")
            let path = try PathValidation.verify(signer, trustAnchors: [trustAnchor], intermediates: embedded + intermediates, at: signature.signingTime ?? Date())
            check("certificate", path.isValid, path.isValid ? "chains to \(trustAnchor.subject)" : path.errorText)
        } catch {
            check("signature", false, "not a readable CMS signature: \(error)")
        }
        if let tokenBytes = files["META-INF/timestamp.tst"], let chain = files["META-INF/ts-hashchain.xml"] {
            do {
                let token = try TimestampToken(der: tokenBytes)
                report.timestampedAt = token.genTime
                report.timestampAuthority = token.tsaName
                try token.verify(digest: DigestAlgorithm.sha256.hash(chain), trustedRoots: [trustAnchor], untrusted: intermediates + token.certificates, at: token.genTime)
                check("timestamp", true, "RFC 3161 token over the hash chain")
            } catch {
                check("timestamp", false, "the token does not verify over the hash chain: \(error)")
            }
            let signatureHash = Hex.encode(DigestAlgorithm.sha256.hash(signatureBytes), uppercase: false)
            let included = String(decoding: chain, as: UTF8.self).contains(">\(signatureHash)<")
            check("hash chain", included, included ? "the signature's SHA-256 is in the time-stamped batch" : "the signature is not in the batch")
        } else {
            check("timestamp", false, "no timestamp in the container (not yet time-stamped?)")
        }
        return report
    }
}
