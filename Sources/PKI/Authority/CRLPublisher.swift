import Foundation
import SandboxCore
import SandboxCrypto
import Synchronization

/// Publishes the CRL of each CA: at start-up when none exists, at half-life, and at once on revocation.
/// Publication is serialised so that CRL numbers stay strictly increasing.
final class CRLPublisher: Sendable {
    private let repository: CertificateRepository
    private let trust: TrustMaterial
    private let clock: any SandboxClock
    private let validity: TimeInterval
    private let current = Mutex<[String: CertificateRevocationList]>([:])

    /// The CAs that publish a CRL: the root (covering the issuing CA) and the issuing CA (covering leaves).
    static let caIDs = ["root", "issuing"]

    init(repository: CertificateRepository, trust: TrustMaterial, clock: any SandboxClock, validity: TimeInterval) {
        self.repository = repository
        self.trust = trust
        self.clock = clock
        self.validity = validity
    }

    /// The CRL to serve now, publishing a new one first when the current one is past half its validity
    /// (or past its nextUpdate because the lab clock moved).
    func crl(caID: String) throws -> CertificateRevocationList {
        try current.withLock { cache in
            let now = clock.now()
            let stored = try cache[caID] ?? repository.latestCRL(caID: caID).flatMap { try? CertificateRevocationList(der: $0.der) }
            if let crl = stored, now >= crl.thisUpdate, now < crl.thisUpdate.addingTimeInterval(validity / 2)
            {
                cache[caID] = crl
                return crl
            }
            let crl = try publishLocked(caID: caID, now: now)
            cache[caID] = crl
            return crl
        }
    }

    /// Publishes a new CRL now (after a revocation, or on an admin's request) and returns it with its number.
    @discardableResult
    func publish(caID: String) throws -> CertificateRevocationList {
        try current.withLock { cache in
            let crl = try publishLocked(caID: caID, now: clock.now())
            cache[caID] = crl
            return crl
        }
    }

    private func publishLocked(caID: String, now: Date) throws -> CertificateRevocationList {
        let (issuer, key) = caID == "root" ? (trust.root, trust.rootKey) : (trust.issuing, trust.issuingKey)
        let number = (try repository.latestCRL(caID: caID)?.number ?? 0) + 1
        let crl = try CertificateRevocationList.issue(
            issuer: issuer, issuerKey: key, number: number, thisUpdate: now,
            nextUpdate: now.addingTimeInterval(validity), revoked: try repository.revoked(issuerID: caID))
        try repository.insertCRL(caID: caID, crl: crl, number: number)
        return crl
    }
}
