import Foundation
import Logging
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting

/// A fresh PKI in a temporary directory: trust material, profiles, database and a virtual clock.
final class PKIFixture: Sendable {
    let directory: TemporaryDirectory
    let configuration: PKIConfiguration
    let clock: VirtualClock
    let authority: CertificateAuthority
    let adminToken = AdminToken(value: "test-admin-token-0123456789")

    init(publicBaseURL: String = "http://localhost:8090") throws {
        directory = try TemporaryDirectory("pki")
        configuration = PKIConfiguration(
            certsDirectory: directory.file("certs"), databaseURL: directory.file("data/pki.sqlite"), publicBaseURL: publicBaseURL)
        clock = VirtualClock()
        _ = try PKIBootstrap.ensure(configuration: configuration, force: false, now: clock.now())
        authority = try CertificateAuthority(configuration: configuration, clock: clock, logger: Self.logger)
    }

    static let logger: Logger = {
        var logger = Logger(label: "pki-tests")
        logger.logLevel = .critical
        return logger
    }()

    var trust: TrustMaterial { authority.trust }

    /// A CSR for a new P-256 key.
    func csr(subject: [(String, String)], sans: [GeneralName] = []) throws -> (CertificateSigningRequest, PrivateKey) {
        let key = try PrivateKey.generate(.ecdsaP256)
        let name = DistinguishedName(subject.map { DistinguishedName.Attribute($0.0, $0.1) })
        return (try CertificateSigningRequest.create(subject: name, key: key, subjectAlternativeNames: sans), key)
    }

    /// A TLS server certificate for `host`.
    func issueTLS(_ host: String = "api.local") throws -> Certificate {
        let (request, _) = try csr(subject: [("CN", host)], sans: [.dns(host)])
        return try authority.issue(IssuanceRequest(csr: request, profile: "tls-server"))
    }

    /// Writes root, issuing CA and chain PEM files for the openssl command line.
    func writeTrustFiles() throws {
        try directory.write("root.pem", trust.root.pem)
        try directory.write("issuing.pem", trust.issuing.pem)
        try directory.write("chain.pem", trust.issuing.pem + trust.root.pem)
    }
}
