import Foundation
import Logging
import SandboxCore
import SandboxCrypto
import Synchronization

/// The PKI building block's domain: issue, revoke, publish CRLs, answer OCSP and timestamp. Plain Swift,
/// testable without a socket; the routes in `Routes/` are thin wrappers over it.
public final class CertificateAuthority: Sendable {
    public let configuration: PKIConfiguration
    public let trust: TrustMaterial
    public let profiles: ProfileCatalogue
    public let repository: CertificateRepository
    public let clock: any SandboxClock
    let crls: CRLPublisher
    let ocsp: OCSPResponder
    let timestamps: TimestampService
    let logger: Logger
    /// Seal keys by key id, made at start-up (see ``SealDefinition``).
    let seals = Mutex<[String: Seal]>([:])

    /// Loads the trust material (unless given) and profiles, opens the store, registers the service
    /// certificates and makes sure each CA has a current CRL.
    public init(configuration: PKIConfiguration, preloadedTrust: TrustMaterial? = nil, clock: any SandboxClock, logger: Logger) throws {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        trust = try preloadedTrust ?? TrustMaterialLayout(directory: configuration.certsDirectory).load()
        profiles = try ProfileCatalogue.load(from: configuration.profilesDirectory)
        repository = try CertificateRepository(url: configuration.databaseURL)
        try repository.claim(rootFingerprint: trust.root.fingerprintSHA256)
        let now = clock.now()
        try repository.insert(trust.issuing, issuerID: "root", profile: "bootstrap", issuedAt: trust.issuing.notBefore)
        try repository.insert(trust.ocspResponder, issuerID: "issuing", profile: "bootstrap", issuedAt: trust.ocspResponder.notBefore)
        try repository.insert(trust.tsa, issuerID: "issuing", profile: "bootstrap", issuedAt: trust.tsa.notBefore)
        crls = CRLPublisher(repository: repository, trust: trust, clock: clock, validity: configuration.crlValidity)
        ocsp = OCSPResponder(repository: repository, trust: trust, clock: clock, validity: configuration.ocspValidity)
        timestamps = try TimestampService(trust: trust, policy: configuration.timestampPolicy, clock: clock)
        for caID in CRLPublisher.caIDs { _ = try crls.crl(caID: caID) }
        try loadOrCreateSeals(SealDefinition.all)
        logger.debug("PKI ready", metadata: ["root": "\(trust.root.fingerprintSHA256)", "started": "\(now)"])
    }

    // MARK: Issuance

    /// Certifies the key of a CSR under a profile.
    public func issue(_ request: IssuanceRequest, serverGeneratedKey: Bool = false) throws -> Certificate {
        guard let profile = profiles[request.profile] else {
            throw Problem.badRequest(field: "profile", detail: "unknown profile \"\(request.profile)\"; known: \(profiles.names.joined(separator: ", "))")
        }
        guard request.csr.isSignatureValid else {
            throw Problem.badRequest(
                field: "csr",
                detail: "the CSR's signature does not verify, so it does not prove possession of the private key; sign it with the key it contains")
        }
        let rules = ProfileEnforcement(profile: profile)
        let (publicKey, algorithm) = try rules.publicKey(csr: request.csr)
        let subject = try rules.subject(csr: request.csr, overrides: request.subject)
        let names = try rules.subjectAltNames(csr: request.csr, requested: request.subjectAltNames)
        let days = try rules.validity(requestedDays: request.validityDays)

        let now = clock.now()
        let urls = configuration.urls
        let template = CertificateTemplate(
            subject: subject, notBefore: now.addingTimeInterval(-60),
            notAfter: min(now.addingTimeInterval(TimeInterval(days) * 86_400), trust.issuing.notAfter),
            publicKey: publicKey, keyUsage: rules.keyUsage(for: algorithm),
            extendedKeyUsage: profile.extendedKeyUsage, extendedKeyUsageCritical: profile.extendedKeyUsageCritical,
            subjectAlternativeNames: names, policies: [CertificatePolicy(oid: profile.policyOID, cpsURI: urls.cps)],
            ocspURL: urls.ocsp, caIssuersURL: urls.caCertificate("issuing"), crlDistributionPoint: urls.crl("issuing"))
        let certificate = try Certificate.issue(template, issuer: trust.issuing, issuerKey: trust.issuingKey)
        try repository.insert(certificate, issuerID: "issuing", profile: profile.name, issuedAt: now, serverGeneratedKey: serverGeneratedKey)
        logger.info(
            "certificate issued",
            metadata: ["serial": "\(certificate.serialNumber.hex)", "profile": "\(profile.name)", "subject": "\(certificate.subject)"])
        return certificate
    }

    /// Sandbox-only: generates the key pair on the server and certifies it. Real CAs never see private
    /// keys; this exists so that a lab can get a working key and certificate with one call.
    public func issueWithGeneratedKey(
        profile: String, subject: [String: String], subjectAltNames: [String]?, keyAlgorithm: KeyAlgorithm, validityDays: Int?
    ) throws -> (Certificate, PrivateKey) {
        let key = try PrivateKey.generate(keyAlgorithm)
        let csr = try CertificateSigningRequest.create(subject: DistinguishedName([]), key: key)
        let certificate = try issue(
            IssuanceRequest(csr: csr, profile: profile, subject: subject, subjectAltNames: subjectAltNames ?? [], validityDays: validityDays),
            serverGeneratedKey: true)
        return (certificate, key)
    }

    // MARK: Revocation

    /// Revokes a certificate and publishes its CA's new CRL at once.
    /// - Returns: the stored record after revocation and the number of the CRL that lists it.
    public func revoke(serial: SerialNumber, reason: RevocationReason, at requestedTime: Date?) throws -> (CertificateRecord, UInt64) {
        guard let record = try repository.find(serial: serial) else {
            throw Problem.notFound(what: "certificate", id: serial.hex)
        }
        guard record.profile != "bootstrap" else {
            throw Problem.conflict(
                detail: "\(record.subject) is one of the sandbox's own service certificates; regenerate all trust material with `sandbox init --force` instead")
        }
        let now = clock.now()
        let time = requestedTime ?? now
        guard time <= now, time >= record.notBefore else {
            throw Problem.badRequest(field: "revocationTime", detail: "the revocation time must lie between the certificate's notBefore and now")
        }
        guard try repository.revoke(serial: serial, at: time, reason: reason) else {
            let when = record.revocationTime.map { ISO8601DateFormatter().string(from: $0) } ?? "earlier"
            throw Problem.conflict(detail: "certificate \(serial.hex) was already revoked on \(when) (\(record.revocationReason?.name ?? "unspecified"))")
        }
        let crl = try crls.publish(caID: record.issuerID)
        logger.info("certificate revoked", metadata: ["serial": "\(serial.hex)", "reason": "\(reason.name)", "crl": "\(crl.number ?? 0)"])
        guard let updated = try repository.find(serial: serial) else { throw Problem.notFound(what: "certificate", id: serial.hex) }
        return (updated, crl.number ?? 0)
    }

    // MARK: Publication

    /// The current CRL of `caID` (`root` or `issuing`).
    public func crl(caID: String) throws -> CertificateRevocationList {
        guard CRLPublisher.caIDs.contains(caID) else {
            throw Problem.notFound(what: "CA", id: caID)
        }
        return try crls.crl(caID: caID)
    }

    /// Publishes a new CRL now.
    public func publishCRL(caID: String) throws -> CertificateRevocationList {
        guard CRLPublisher.caIDs.contains(caID) else { throw Problem.notFound(what: "CA", id: caID) }
        return try crls.publish(caID: caID)
    }

    /// OCSP: DER request in, DER response out, plus a one-line summary for the log.
    public func ocspResponse(to request: [UInt8]) -> (response: [UInt8], outcome: String) {
        ocsp.respond(to: request)
    }

    /// RFC 3161: DER query in, DER reply out.
    public func timestampReply(to query: [UInt8]) throws -> [UInt8] {
        try timestamps.respond(to: query).response
    }

    /// A timestamp token for a digest (JSON convenience).
    public func timestamp(digestAlgorithm: DigestAlgorithm, digest: [UInt8]) throws -> TimestampToken {
        try timestamps.token(digestAlgorithm: digestAlgorithm, digest: digest).0
    }

    /// The status of a certificate the CA issued.
    public func status(serial: SerialNumber) throws -> CertificateRecord {
        guard let record = try repository.find(serial: serial) else { throw Problem.notFound(what: "certificate", id: serial.hex) }
        return record
    }
}
