import Foundation
import SandboxCore
import SandboxCrypto

/// The key material one security server holds: its authentication certificate (`xroad-auth`, for the
/// TLS between servers) and the signing keys (`xroad-sign`) of the members whose subsystems it hosts,
/// plus the trust anchor every signature is checked against. All certified by the sandbox PKI.
public struct SecurityServerKeys: Sendable {
    public let trustAnchor: Certificate
    public let authentication: SigningIdentity
    public let signing: [XRoadClientID: SigningIdentity]
    /// CA certificates between members' certificates and the root (the PKI's issuing CA).
    public var intermediates: [Certificate] {
        var seen: [Certificate] = []
        for identity in signing.values { for certificate in identity.chain where certificate != trustAnchor && !seen.contains(certificate) { seen.append(certificate) } }
        return seen
    }

    /// The signing identity of `client`'s member.
    public func signer(for client: XRoadClientID) -> SigningIdentity? { signing[client.member] }

    /// The member a signing certificate was issued to: its subject `serialNumber` holds the member id
    /// (`BJ-SANDBOX/GOV/ARCEP`), as X-Road CAs put the member code in the subject.
    public static func member(of certificate: Certificate) -> XRoadClientID? {
        certificate.subject["serialNumber"].flatMap { try? XRoadClientID.parse($0) }
    }

    /// Loads the keys under `directory`, or enrols new ones with the PKI: a key made here, a CSR, a
    /// certificate from `POST /pki/v1/certificates`. Existing keys are reused while their certificate
    /// still chains to the PKI's current root (a `sandbox init --force` makes them enrol again).
    /// - Parameter clients: the server's clients, when its own configuration knows more than the topology
    ///   (clients added through the admin API): each of their members gets a signing key.
    public static func loadOrEnrol(
        directory: URL, server: Topology.SecurityServer, topology: Topology, pki: PKIEnrolment, clients: [XRoadClientID]? = nil
    ) async throws -> SecurityServerKeys {
        let root = try await pki.rootCertificate()
        let store = KeyFileStore(directory: directory, root: root)
        let ownerName = topology.members.first { $0.id == server.id.owner }?.name ?? server.id.owner.memberCode
        let authentication = try await store.loadOrEnrol(file: "auth", member: server.id.owner, pki: pki, profile: "xroad-auth") {
            ["commonName": server.id.serverCode, "organizationName": String(ownerName.prefix(64)), "serialNumber": server.id.parts.joined(separator: "/")]
        }
        var signing: [XRoadClientID: SigningIdentity] = [:]
        for member in Set((clients ?? server.clients).map(\.member) + [server.id.owner]).sorted() {
            let name = topology.members.first { $0.id == member }?.name ?? member.memberCode
            signing[member] = try await store.loadOrEnrol(file: "sign-\(member.memberClass)-\(member.memberCode)", member: member, pki: pki, profile: "xroad-sign") {
                ["commonName": member.memberCode, "organizationName": String(name.prefix(64)), "serialNumber": member.parts.joined(separator: "/")]
            }
        }
        return SecurityServerKeys(trustAnchor: root, authentication: authentication, signing: signing)
    }
}

/// `<name>.key` (PKCS#8, 0600) and `<name>.pem` (certificate then chain) in a security server's key folder.
struct KeyFileStore {
    let directory: URL
    let root: Certificate

    func loadOrEnrol(
        file: String, member: XRoadClientID, pki: PKIEnrolment, profile: String, subject: () -> [String: String]
    ) async throws -> SigningIdentity {
        let keyURL = directory.appendingPathComponent("\(file).key")
        let certificateURL = directory.appendingPathComponent("\(file).pem")
        if let key = try? PrivateKey(pem: String(contentsOf: keyURL, encoding: .utf8)),
            let certificates = try? Certificate.parseChain(pem: String(contentsOf: certificateURL, encoding: .utf8)),
            let certificate = certificates.first, certificate.publicKey.matches(key),
            (try? PathValidation.verify(certificate, trustAnchors: [root], intermediates: Array(certificates.dropFirst()), at: Date()))?.isValid == true
        {
            return SigningIdentity(member: member, certificate: certificate, key: key, chain: Array(certificates.dropFirst()))
        }
        let key = try PrivateKey.generate(.ecdsaP256)
        let (certificate, chain) = try await pki.certify(key: key, subject: subject(), profile: profile)
        try SandboxFiles.writeAtomically(Data(try key.pkcs8PEM().utf8), to: keyURL, mode: 0o600)
        try SandboxFiles.writeAtomically(Data(([certificate] + chain).map(\.pem).joined().utf8), to: certificateURL, mode: 0o644)
        return SigningIdentity(member: member, certificate: certificate, key: key, chain: chain)
    }
}
