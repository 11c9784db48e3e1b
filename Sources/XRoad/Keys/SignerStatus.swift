import Foundation
import SandboxCore
import SandboxCrypto
import Synchronization

/// The OCSP status of the members' signing certificates, asked of the PKI's responder and cached for a
/// while (X-Road's `ocspFreshnessSeconds`, shortened here so that a lab revocation shows within minutes).
/// A message signed with a revoked certificate is refused; one whose status cannot be learnt too, as in
/// X-Road, where a signature without fresh OCSP evidence is not accepted.
public final class SignerStatus: Sendable {
    public let ocspURL: String
    public let freshness: TimeInterval
    private let cache = Mutex<[BytesKey: (good: Bool, detail: String, until: Date)]>([:])

    public init(ocspURL: String, freshness: TimeInterval = 300) {
        self.ocspURL = ocspURL
        self.freshness = freshness
    }

    /// - Throws: ``XRoadFault`` `CertValidation` (with the side's prefix) when the certificate is revoked,
    ///   unknown to the CA, or its status cannot be learnt.
    func requireGood(_ certificate: Certificate, issuers: [Certificate], trustAnchor: Certificate, now: Date, side: (String) -> XRoadErrorCode) async throws(XRoadFault) {
        let (good, detail) = await status(of: certificate, issuers: issuers, trustAnchor: trustAnchor, now: now)
        guard good else { throw Self.fault(detail, certificate, side) }
    }

    /// Whether the certificate is good, from the cache while it is fresh, and what the responder said.
    func status(of certificate: Certificate, issuers: [Certificate], trustAnchor: Certificate, now: Date) async -> (good: Bool, detail: String) {
        if let cached = cache.withLock({ $0[BytesKey(certificate.der)] }), now < cached.until { return (cached.good, cached.detail) }
        let (good, detail) = await ask(certificate, issuers: issuers, trustAnchor: trustAnchor)
        cache.withLock { entries in
            if entries.count > 1000 { entries.removeAll() }
            entries[BytesKey(certificate.der)] = (good, detail, now.addingTimeInterval(good ? freshness : 30))
        }
        return (good, detail)
    }

    private func ask(_ certificate: Certificate, issuers: [Certificate], trustAnchor: Certificate) async -> (Bool, String) {
        guard let issuer = (issuers + [trustAnchor]).first(where: { certificate.isIssued(by: $0) }) else {
            return (false, "the issuer of \(certificate.subject) is unknown")
        }
        do {
            let query = try OCSPRequest.create(certificate: certificate, issuer: issuer)
            let bytes = try await SecurityServer.postDER(query.der, to: ocspURL, contentType: "application/ocsp-request", timeout: 10)
            let answer = try OCSPResponse(der: bytes)
            try answer.verifySignature(trustedRoots: [trustAnchor], intermediates: issuers)
            guard answer.nonceMatches(query), let single = answer.responses.first(where: { $0.serialNumber == certificate.serialNumber }) else {
                return (false, "the OCSP response does not answer for this certificate")
            }
            switch single.status {
            case .good: return (true, "GOOD")
            default: return (false, "OCSP response indicates certificate status is \(single.status.name)")
            }
        } catch {
            return (false, "could not get the certificate's OCSP status from \(ocspURL): \(error)")
        }
    }

    private static func fault(_ detail: String, _ certificate: Certificate, _ side: (String) -> XRoadErrorCode) -> XRoadFault {
        XRoadFault(side("CertValidation"), detail, explain: .signerNotGood(certificate.subject.description, detail))
    }
}

extension XRoadFault.Explanation {
    static func signerNotGood(_ subject: String, _ detail: String) -> Self {
        .init(
            french: "Le certificat de signature de \(subject) n'est pas valide selon l'OCSP de la PKI (\(detail)). Un membre dont le certificat est révoqué ne peut plus échanger : supprimez son sign-*.pem dans .sandbox/xroad/<serveur>/keys/ et redémarrez son serveur de sécurité, qui en obtiendra un nouveau.",
            english: "\(subject)'s signing certificate is not good according to the PKI's OCSP (\(detail)). A member whose certificate is revoked can no longer exchange: delete its sign-*.pem in .sandbox/xroad/<server>/keys/ and restart its security server, which enrols a new one.")
    }
}
