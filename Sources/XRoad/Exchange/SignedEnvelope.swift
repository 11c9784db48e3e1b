import Foundation
import SandboxCore
import SandboxCrypto

/// A member's key and certificate (profile `xroad-sign`), with the issuers to embed.
public struct SigningIdentity: Sendable {
    public let member: XRoadClientID
    public let certificate: Certificate
    public let key: PrivateKey
    /// The certificate's issuers up to the root (kept for verifiers; not embedded in every signature).
    public let chain: [Certificate]
    /// Signs envelopes from the constant parts of a first OpenSSL-built signature; nil falls back to OpenSSL's CMS code.
    let repeatedSigner: RepeatedCAdESSigner?

    public init(member: XRoadClientID, certificate: Certificate, key: PrivateKey, chain: [Certificate]) {
        self.member = member
        self.certificate = certificate
        self.key = key
        self.chain = chain
        repeatedSigner = try? RepeatedCAdESSigner(certificate: certificate, key: key, digestAlgorithm: .sha512)
    }

    /// Gathers the messages this key signs at the same moment under one signature.
    let batchSigner = BatchSigner()

    /// A detached CAdES signature of a SHA-512 digest. Only the signer's certificate is embedded, as in
    /// X-Road's signatures: verifiers know the CA chain, and every embedded certificate costs a decode on
    /// each message.
    func sign(digest: [UInt8], at time: Date) throws -> [UInt8] {
        try repeatedSigner?.sign(digest: digest, signingTime: time)
            ?? CAdESSignature.sign(digest: digest, digestAlgorithm: .sha512, signer: certificate, key: key, chain: [], signingTime: time).der
    }
}

/// How the sandbox signs what security servers exchange (documented in docs/xroad.md). The real X-Road
/// signs the SHA-512 digests of every MIME part with XAdES; the sandbox keeps that idea in forms the
/// `openssl` command line can check: an ASiC manifest (ETSI EN 319 162-1) listing each part with its
/// SHA-512 digest, and a detached CAdES signature of that manifest by the member's `xroad-sign` key — or,
/// for messages signed in a batch, of a batch manifest listing their manifests' digests. The message log
/// keeps them all, so `/asic` containers are these very bytes.
public enum SignedEnvelope {
    public static let manifestType = "application/vnd.etsi.asic-manifest+xml"
    public static let signatureType = "application/pkcs7-signature"
    /// The certificate policy of the PKI's `xroad-sign` profile: only such certificates sign messages (a
    /// person's or a TLS certificate under the same root may not speak for a member).
    public static let signingPolicy = "2.999.1.2.2"

    /// The parts, then the manifest, the batch manifest when the signature covers a batch, and the
    /// signature. Messages sealed by the same signer at the same moment share one signature (``BatchSigner``).
    public static func seal(_ parts: [MultipartMessage.Part], by signer: SigningIdentity, at time: Date) async throws -> MultipartMessage {
        let manifest = Self.manifest(for: parts)
        return assemble(parts, manifest: manifest, signed: try await signer.batchSigner.sign(manifest, by: signer, at: time))
    }

    /// The parts, then the manifest and a signature of it alone, without waiting for a batch (for the
    /// benchmark's step costs).
    public static func sealAlone(_ parts: [MultipartMessage.Part], by signer: SigningIdentity, at time: Date) throws -> MultipartMessage {
        let manifest = Self.manifest(for: parts)
        return assemble(parts, manifest: manifest, signed: try BatchSigner.sign([manifest], by: signer, at: time)[0])
    }

    static func assemble(_ parts: [MultipartMessage.Part], manifest: [UInt8], signed: BatchSigner.Signed) -> MultipartMessage {
        var sealed = parts + [.init(contentType: manifestType, body: manifest)]
        if let batch = signed.batchManifest { sealed.append(.init(contentType: BatchManifest.contentType, body: batch)) }
        sealed.append(.init(contentType: signatureType, body: signed.signature))
        return MultipartMessage(parts: sealed)
    }

    /// What a verified envelope yields: its content parts, the signer, and the raw manifest, batch manifest
    /// (for a message signed in a batch) and signature for the message log.
    public struct Opened: Sendable {
        public let parts: [MultipartMessage.Part]
        public let signer: Certificate
        public let manifest: [UInt8]
        /// The batch document the signature covers, when the message was signed in a batch.
        public let batchManifest: [UInt8]?
        public let signature: [UInt8]
    }

    /// Checks the manifest against the parts (and its place in the batch manifest, for a message signed in
    /// a batch), the signature over the manifest or batch manifest, and the signer's path to `trustAnchor`
    /// (through `intermediates`) at `time`; `trustedSigners` remembers signers and batch signatures already checked.
    public static func open(
        _ message: MultipartMessage, trustAnchor: Certificate, intermediates: [Certificate] = [], at time: Date, trustedSigners: TrustedSigners? = nil
    ) throws(EnvelopeError) -> Opened {
        let count = message.parts.count
        let batched = count >= 4 && message.parts[count - 2].contentType == BatchManifest.contentType
        let trailer = batched ? 3 : 2
        guard count >= trailer + 1, message.parts[count - trailer].contentType == manifestType, message.parts[count - 1].contentType == signatureType else {
            throw EnvelopeError(.malformed, "the message does not end with a manifest and a signature part")
        }
        let parts = Array(message.parts.dropLast(trailer))
        let manifest = message.parts[count - trailer].body
        let batchManifest = batched ? message.parts[count - 2].body : nil
        let signatureBytes = message.parts[count - 1].body
        guard manifest == Self.manifest(for: parts) else {
            throw EnvelopeError(.digestMismatch, "a part's SHA-512 differs from the signed manifest: the message was changed in transit")
        }
        if let batchManifest, !BatchManifest.lists(DigestAlgorithm.sha512.hash(manifest), in: batchManifest) {
            throw EnvelopeError(.digestMismatch, "the manifest's SHA-512 is not in the signed batch manifest: the message was changed in transit")
        }
        let signedDocument = batchManifest ?? manifest
        // Read from the DER rather than through OpenSSL's CMS objects: the signer's certificate is the same
        // on every message, so it is parsed (and its path checked) once, then only the ECDSA check remains.
        let signature: SignedDataReading
        do {
            signature = try SignedDataReading(der: signatureBytes)
        } catch {
            throw EnvelopeError(.malformed, "the signature part is not a CMS SignedData by one signer with its certificate (\(error.description))")
        }
        let known = trustedSigners?.certificate(signature.certificate, at: time)
        guard let signer = known ?? (try? Certificate(der: signature.certificate)) else {
            throw EnvelopeError(.malformed, "the signature's certificate cannot be read")
        }
        // A batch's signature is the same on each of its messages: verified once, then remembered. The digest
        // of the document it signs is still compared on every message.
        let verifiedBefore = batchManifest != nil && trustedSigners?.verifiedBatchSignatures.value(for: BytesKey(signatureBytes)) != nil
        guard signature.declaresData, signature.digestAlgorithm == .sha512, signature.messageDigest == DigestAlgorithm.sha512.hash(signedDocument),
            verifiedBefore || signature.isSigned(by: signer)
        else {
            throw EnvelopeError(.invalidSignature, "the signature does not verify over the \(batchManifest == nil ? "manifest" : "batch manifest")")
        }
        if known == nil {
            let path = try? PathValidation.verify(signer, trustAnchors: [trustAnchor], intermediates: intermediates, at: time)
            guard let path, path.isValid else {
                throw EnvelopeError(.untrustedSigner, "the signer \(signer.subject) has no valid path to the sandbox root (\(path?.errorText ?? "unverifiable"))")
            }
            guard signer.extensions.policies.contains(signingPolicy) else {
                throw EnvelopeError(
                    .invalidSignature, "the signer \(signer.subject) is not an X-Road signing certificate (no policy \(signingPolicy) of the xroad-sign profile)")
            }
            trustedSigners?.remember(signer, at: time)
        }
        if batchManifest != nil, !verifiedBefore { trustedSigners?.verifiedBatchSignatures.remember(true, for: BytesKey(signatureBytes)) }
        return Opened(parts: parts, signer: signer, manifest: manifest, batchManifest: batchManifest, signature: signatureBytes)
    }

    /// The ASiC manifest of `parts`, deterministic so that the receiver can rebuild and compare it.
    static func manifest(for parts: [MultipartMessage.Part]) -> [UInt8] {
        // Built as bytes: both sides rebuild it for every message, so it stays off String concatenation.
        var xml: [UInt8] = []
        xml.reserveCapacity(manifestHead.count + parts.count * 320 + manifestTail.count)
        xml += manifestHead
        for (index, part) in parts.enumerated() {
            xml += #"  <asic:DataObjectReference URI=""#.utf8
            xml += fileName(part.contentType, index: index).utf8
            xml += #"" MimeType=""#.utf8
            xml += part.contentType.htmlEscaped.utf8
            xml += "\">\n    <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha512\"/>\n    <ds:DigestValue>".utf8
            xml += Data(DigestAlgorithm.sha512.hash(part.body)).base64EncodedString().utf8
            xml += "</ds:DigestValue>\n  </asic:DataObjectReference>\n".utf8
        }
        xml += manifestTail
        return xml
    }

    private static let manifestHead = Array(
        (#"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            + #"<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"# + "\n"
            + #"  <asic:SigReference URI="META-INF/signature.p7s" MimeType="application/pkcs7-signature"/>"# + "\n").utf8)
    private static let manifestTail = Array("</asic:ASiCManifest>\n".utf8)

    /// The manifest, the batch manifest if any, and the signature of a sealed message (its last parts).
    public static func proof(of message: MultipartMessage) -> (manifest: [UInt8], batchManifest: [UInt8]?, signature: [UInt8]) {
        let parts = message.parts
        guard parts.count >= 2 else { return ([], nil, []) }
        if parts.count >= 3, parts[parts.count - 2].contentType == BatchManifest.contentType {
            return (parts[parts.count - 3].body, parts[parts.count - 2].body, parts[parts.count - 1].body)
        }
        return (parts[parts.count - 2].body, nil, parts[parts.count - 1].body)
    }

    /// The file name a part has in the manifest and in ASiC containers.
    public static func fileName(_ contentType: String, index: Int) -> String {
        switch contentType {
        case RestEnvelopeParts.request: "message.http"
        case RestEnvelopeParts.response: "message.http"
        case RestEnvelopeParts.body: "attachment1"
        case SoapParts.message: "message.xml"
        default: "part\(index + 1)"
        }
    }
}

/// Signing certificates whose path to the root was checked recently, by their DER: the signature is
/// verified on every message, the certificate parsed and its chain checked once per few minutes per signer
/// (as X-Road caches OCSP answers for a while).
public final class TrustedSigners: Sendable {
    private let checked = BoundedMemo<BytesKey, (certificate: Certificate, until: Date)>(limit: 1_000)
    let lifetime: TimeInterval
    /// Batch signatures already verified, by their DER (which embeds the signer's certificate).
    let verifiedBatchSignatures = BoundedMemo<BytesKey, Bool>(limit: 256)

    public init(lifetime: TimeInterval = 300) { self.lifetime = lifetime }

    /// The parsed certificate for `der`, if its path was checked less than `lifetime` ago and it is valid at `time`.
    func certificate(_ der: [UInt8], at time: Date) -> Certificate? {
        guard let entry = checked.value(for: BytesKey(der)), time < entry.until, entry.certificate.isValid(at: time) else { return nil }
        return entry.certificate
    }

    func remember(_ certificate: Certificate, at time: Date) {
        checked.remember((certificate, time.addingTimeInterval(lifetime)), for: BytesKey(certificate.der))
    }
}

/// The content types of a REST exchange's parts (PR-MESSTRANSP §3.1).
public enum RestEnvelopeParts {
    public static let request = "application/x-road-rest-request"
    public static let response = "application/x-road-rest-response"
    public static let body = "application/x-road-rest-body"
}

public struct EnvelopeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case malformed, digestMismatch, invalidSignature, untrustedSigner }
    public let kind: Kind
    public let description: String
    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
