import Foundation
import SandboxCore
import SandboxCrypto

/// The RFC 6960 responder. It reads certificate status from the same store the CA writes, so an answer
/// changes the moment a certificate is revoked. Certificates issued by the issuing CA are answered by the
/// delegated responder (OCSPSigning, ocsp-nocheck); the issuing CA's own status is answered by the root.
struct OCSPResponder: Sendable {
    let repository: CertificateRepository
    let trust: TrustMaterial
    let clock: any SandboxClock
    let validity: TimeInterval

    /// At most this many certificates per request; more is almost certainly abuse.
    static let maxCertificatesPerRequest = 20

    /// Answers a DER request with a DER response. Never throws: a request that cannot be parsed gets
    /// `malformedRequest`, a failure on our side `internalError`, exactly as the RFC lays out.
    func respond(to der: [UInt8]) -> (response: [UInt8], outcome: String) {
        guard let request = try? OCSPRequest(der: der) else {
            return (OCSPResponseBuilder.error(.malformedRequest), "malformedRequest: not a DER OCSPRequest")
        }
        let ids = request.certificateIDs
        guard !ids.isEmpty, ids.count <= Self.maxCertificatesPerRequest else {
            return (OCSPResponseBuilder.error(.malformedRequest), "malformedRequest: \(ids.count) certificates asked")
        }
        do {
            var answers: [(OCSPCertificateID, OCSPCertificateStatus)] = []
            var allForRoot = true
            for id in ids {
                let issuerID: String?
                if id.isIssued(by: trust.issuing) {
                    issuerID = "issuing"
                    allForRoot = false
                } else if id.isIssued(by: trust.root) {
                    issuerID = "root"
                } else {
                    issuerID = nil
                    allForRoot = false
                }
                answers.append((id, try status(of: id, issuerID: issuerID)))
            }
            let now = clock.now()
            let (signer, key) = allForRoot ? (trust.root, trust.rootKey) : (trust.ocspResponder, trust.ocspResponderKey)
            let response = try OCSPResponseBuilder.build(
                request: request, answers: answers, signer: signer, signerKey: key,
                producedAt: now, nextUpdate: now.addingTimeInterval(validity))
            let summary = answers.map { "\($0.0.serialNumber.hex)=\($0.1.name)" }.joined(separator: ",")
            return (response, "successful: \(summary)")
        } catch {
            return (OCSPResponseBuilder.error(.internalError), "internalError: \(error)")
        }
    }

    private func status(of id: OCSPCertificateID, issuerID: String?) throws -> OCSPCertificateStatus {
        guard let issuerID else { return .unknown }
        let (status, time, reason) = try repository.status(serial: id.serialNumber, issuerID: issuerID)
        switch status {
        case .good: return .good
        case .revoked: return .revoked(time: time ?? .distantPast, reason: reason)
        case .unknown: return .unknown
        }
    }
}
