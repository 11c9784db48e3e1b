import Foundation
import SandboxCore
import SandboxCrypto

/// The four roles every sandbox PKI starts with (reference pki.md §4.2, the X-Road test CA's roles): a
/// root, an issuing CA under it, a delegated OCSP responder and a time-stamping authority, both certified
/// by the issuing CA. Loaded once at start-up and shared.
public struct TrustMaterial: Sendable {
    public let root: Certificate
    public let rootKey: PrivateKey
    public let issuing: Certificate
    public let issuingKey: PrivateKey
    public let ocspResponder: Certificate
    public let ocspResponderKey: PrivateKey
    public let tsa: Certificate
    public let tsaKey: PrivateKey

    /// The service certificates by their public id (`/pki/v1/ca/{id}`).
    public var certificatesByID: [(id: String, certificate: Certificate)] {
        [("root", root), ("issuing", issuing), ("ocsp", ocspResponder), ("tsa", tsa)]
    }

    /// Issuing CA then root: what a client needs besides its own certificate.
    public var chain: [Certificate] { [issuing, root] }
}

/// Where the trust material lives inside `certs/`. Certificates are public; keys sit in `private/` (0700),
/// each file 0600.
public struct TrustMaterialLayout: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var privateDirectory: URL { directory.appendingPathComponent("private") }
    public var chainFile: URL { directory.appendingPathComponent("chain.pem") }

    public func certificateFile(_ role: Role) -> URL { directory.appendingPathComponent("\(role.rawValue).pem") }
    public func keyFile(_ role: Role) -> URL { privateDirectory.appendingPathComponent("\(role.rawValue).key") }

    public enum Role: String, CaseIterable, Sendable {
        case root = "root-ca"
        case issuing = "issuing-ca"
        case ocsp = "ocsp-responder"
        case tsa = "tsa"
    }

    /// Whether `sandbox init` has run here (the root certificate is the marker).
    public var exists: Bool { FileManager.default.fileExists(atPath: certificateFile(.root).path) }

    /// Loads and cross-checks the material: each key must match its certificate and each certificate must
    /// be signed by its issuer, so a half-copied `certs/` fails loudly at start-up, not at the first OCSP query.
    public func load() throws -> TrustMaterial {
        guard exists else {
            throw PKISetupError("no trust material in \(directory.path): run `sandbox init` (or `sandbox up`, which runs it)")
        }
        func pair(_ role: Role) throws -> (Certificate, PrivateKey) {
            let certificateFile = certificateFile(role)
            let keyFile = keyFile(role)
            do {
                let certificate = try Certificate(pem: String(contentsOf: certificateFile, encoding: .utf8))
                let key = try PrivateKey(pem: String(contentsOf: keyFile, encoding: .utf8))
                guard certificate.publicKey.matches(key) else {
                    throw PKISetupError("\(keyFile.path) does not match \(certificateFile.path)")
                }
                return (certificate, key)
            } catch let error as PKISetupError {
                throw error
            } catch {
                throw PKISetupError("cannot read \(role.rawValue) from \(directory.path): \(error). Run `sandbox init --force` to regenerate it.")
            }
        }
        let (root, rootKey) = try pair(.root)
        let (issuing, issuingKey) = try pair(.issuing)
        let (ocsp, ocspKey) = try pair(.ocsp)
        let (tsa, tsaKey) = try pair(.tsa)
        guard issuing.isIssued(by: root), ocsp.isIssued(by: issuing), tsa.isIssued(by: issuing) else {
            throw PKISetupError("the certificates in \(directory.path) do not form one hierarchy: run `sandbox init --force`")
        }
        return TrustMaterial(
            root: root, rootKey: rootKey, issuing: issuing, issuingKey: issuingKey,
            ocspResponder: ocsp, ocspResponderKey: ocspKey, tsa: tsa, tsaKey: tsaKey)
    }

    /// Generates a new hierarchy and writes it. Keys are written before certificates, and the root
    /// certificate last, so an interrupted run never leaves a directory that looks complete.
    public func generate(keyAlgorithm: KeyAlgorithm, urls: PKIURLs, now: Date) throws -> TrustMaterial {
        let material = try TrustMaterialFactory(keyAlgorithm: keyAlgorithm, urls: urls, now: now).make()
        try SandboxFiles.ensureDirectory(directory)
        try SandboxFiles.ensureDirectory(privateDirectory)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: privateDirectory.path)
        let pairs: [(Role, Certificate, PrivateKey)] = [
            (.tsa, material.tsa, material.tsaKey), (.ocsp, material.ocspResponder, material.ocspResponderKey),
            (.issuing, material.issuing, material.issuingKey), (.root, material.root, material.rootKey),
        ]
        for (role, _, key) in pairs {
            try SandboxFiles.writeAtomically(Data(try key.pkcs8PEM().utf8), to: keyFile(role), mode: 0o600)
        }
        try SandboxFiles.writeAtomically(Data((material.issuing.pem + material.root.pem).utf8), to: chainFile, mode: 0o644)
        for (role, certificate, _) in pairs {
            try SandboxFiles.writeAtomically(Data(certificate.pem.utf8), to: certificateFile(role), mode: 0o644)
        }
        return material
    }

    /// Moves existing trust material aside (`certs/replaced-<time>/`) before `init --force` writes new
    /// material: nothing a user had is deleted.
    public func archive(now: Date) throws -> URL? {
        guard exists else { return nil }
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
        let archive = directory.appendingPathComponent("replaced-\(stamp)")
        try SandboxFiles.ensureDirectory(archive)
        let files = Role.allCases.map { certificateFile($0) } + [chainFile, privateDirectory, directory.appendingPathComponent("seals")]
        for file in files where FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.moveItem(at: file, to: archive.appendingPathComponent(file.lastPathComponent))
        }
        return archive
    }
}

/// Builds the four certificates with the extensions of reference pki.md §2.3.
struct TrustMaterialFactory {
    let keyAlgorithm: KeyAlgorithm
    let urls: PKIURLs
    let now: Date

    static let organization = "Interop Sandbox (SANDBOX – non qualifié)"

    private func name(_ commonName: String) -> DistinguishedName {
        DistinguishedName([.init("C", "BJ"), .init("O", Self.organization), .init("CN", commonName)])
    }

    private func years(_ count: Double) -> Date { now.addingTimeInterval(count * 365.25 * 86_400) }

    func make() throws -> TrustMaterial {
        // Backdated by a minute so that a client whose clock is slightly behind still accepts them.
        let start = now.addingTimeInterval(-60)
        let rootKey = try PrivateKey.generate(keyAlgorithm)
        let root = try Certificate.issue(
            CertificateTemplate(
                subject: name("BJ-SANDBOX Root CA"), notBefore: start, notAfter: years(20), publicKey: rootKey.publicKey,
                certificateAuthority: .init(pathLength: nil), keyUsage: [.keyCertSign, .cRLSign]),
            issuer: nil, issuerKey: rootKey)

        let issuingKey = try PrivateKey.generate(keyAlgorithm)
        let issuing = try Certificate.issue(
            CertificateTemplate(
                subject: name("BJ-SANDBOX Issuing CA"), notBefore: start, notAfter: years(10), publicKey: issuingKey.publicKey,
                certificateAuthority: .init(pathLength: 0), keyUsage: [.keyCertSign, .cRLSign],
                caIssuersURL: urls.caCertificate("root"), crlDistributionPoint: urls.crl("root")),
            issuer: root, issuerKey: rootKey)

        let ocspKey = try PrivateKey.generate(keyAlgorithm)
        let ocsp = try Certificate.issue(
            CertificateTemplate(
                subject: name("BJ-SANDBOX OCSP Responder"), notBefore: start, notAfter: years(1), publicKey: ocspKey.publicKey,
                keyUsage: [.digitalSignature], extendedKeyUsage: ["OCSPSigning"],
                caIssuersURL: urls.caCertificate("issuing"), ocspNoCheck: true),
            issuer: issuing, issuerKey: issuingKey)

        let tsaKey = try PrivateKey.generate(keyAlgorithm)
        let tsa = try Certificate.issue(
            CertificateTemplate(
                subject: name("BJ-SANDBOX Time-Stamping Authority"), notBefore: start, notAfter: years(5), publicKey: tsaKey.publicKey,
                keyUsage: [.digitalSignature], extendedKeyUsage: ["timeStamping"], extendedKeyUsageCritical: true,
                policies: [CertificatePolicy(oid: "2.999.1.1", cpsURI: urls.cps)],
                ocspURL: urls.ocsp, caIssuersURL: urls.caCertificate("issuing"), crlDistributionPoint: urls.crl("issuing")),
            issuer: issuing, issuerKey: issuingKey)

        return TrustMaterial(
            root: root, rootKey: rootKey, issuing: issuing, issuingKey: issuingKey,
            ocspResponder: ocsp, ocspResponderKey: ocspKey, tsa: tsa, tsaKey: tsaKey)
    }
}
