import Foundation
import SandboxCore
import SandboxCrypto

/// The provider side's check of the consumer's security server (X-Road's `verifySslClientCert`). The TLS
/// handshake only proves that the peer holds a certificate from the sandbox PKI; X-Road also requires it
/// to be the authentication certificate of a security server of the instance, with a good OCSP status, and
/// that server to be the one of the member whose key signed the request. Without this, any holder of a
/// sandbox certificate could relay requests signed by a member of another server.
extension SecurityServer {
    /// The certificate policy of the PKI's `xroad-auth` profile.
    static let authenticationPolicy = "2.999.1.2.1"

    /// - Parameters:
    ///   - peer: the DER of the certificate the consumer presented in the TLS handshake, if any.
    ///   - member: the member whose signing key signed the request.
    /// - Throws: `Server.ServerProxy.SslAuthenticationFailed`, with X-Road's messages.
    func requireAuthenticatedPeer(_ peer: [UInt8]?, member: XRoadClientID) async throws(XRoadFault) {
        guard let peer, let (certificate, serverID) = peerCertificates.read(peer) else {
            throw XRoadFault(.serverProxy("SslAuthenticationFailed"), "Client (\(member)) did not present a TLS certificate", explain: .peerNotAuthenticated(nil))
        }
        guard let serverID else {
            throw XRoadFault(
                .serverProxy("SslAuthenticationFailed"), "Authentication certificate \(certificate.serialNumber.hex) is not associated with any security server",
                explain: .peerNotAuthenticated(certificate.subject.description))
        }
        var peerServer = topology.securityServers.first { $0.id == serverID }
        if peerServer.map({ !Self.speaks(for: member, $0) }) ?? true, central != nil {
            // A client registered a moment ago is in the next global configuration.
            await refreshGlobalConfiguration()
            peerServer = topology.securityServers.first { $0.id == serverID }
        }
        guard let peerServer else {
            throw XRoadFault(
                .serverProxy("SslAuthenticationFailed"), "Authentication certificate \(certificate.serialNumber.hex) is not associated with any security server",
                explain: .peerNotAuthenticated(certificate.subject.description))
        }
        guard Self.speaks(for: member, peerServer) else {
            throw XRoadFault(
                .serverProxy("SslAuthenticationFailed"), "Client '\(member)' is not registered at security server \(serverID)",
                explain: .peerNotTheMembersServer(member, peer: peerServer.name, hosts: topology.securityServers.filter { Self.speaks(for: member, $0) }.map(\.name)))
        }
        let status = await signerStatus.status(of: certificate, issuers: intermediates, trustAnchor: keys.trustAnchor, now: clock.now())
        guard status.good else {
            throw XRoadFault(
                .serverProxy("SslAuthenticationFailed"), "Authentication certificate \(certificate.serialNumber.hex) of security server \(serverID) is not valid: \(status.detail)",
                explain: .peerNotAuthenticated(certificate.subject.description))
        }
    }

    /// The consumer side's check of the provider's security server (X-Road's `AuthTrustVerifier`), after
    /// the TLS handshake and before the request is sent: the certificate the server presented must be the
    /// authentication certificate of a security server that hosts the service's provider, with a good OCSP
    /// status. The handshake alone would accept any certificate from the sandbox PKI.
    /// - Throws: `Server.ClientProxy.SslAuthenticationFailed`.
    func requireAuthenticatedProvider(_ peer: [UInt8]?, provider: XRoadClientID, addressed: Topology.SecurityServer) async throws(XRoadFault) {
        guard let peer, let (certificate, serverID) = peerCertificates.read(peer) else {
            throw XRoadFault(
                .clientProxy("SslAuthenticationFailed"), "Service provider did not provide TLS certificate",
                explain: .providerNotAuthenticated(addressed.name, subject: nil))
        }
        guard let serverID, let peerServer = topology.securityServers.first(where: { $0.id == serverID }) else {
            throw XRoadFault(
                .clientProxy("SslAuthenticationFailed"), "Authentication certificate \(certificate.serialNumber.hex) is not associated with any security server",
                explain: .providerNotAuthenticated(addressed.name, subject: certificate.subject.description))
        }
        guard Self.speaks(for: provider, peerServer) else {
            throw XRoadFault(
                .clientProxy("SslAuthenticationFailed"), "Security server \(serverID) does not host the service provider \(provider.member)",
                explain: .providerNotAuthenticated(addressed.name, subject: certificate.subject.description))
        }
        let status = await signerStatus.status(of: certificate, issuers: intermediates, trustAnchor: keys.trustAnchor, now: clock.now())
        guard status.good else {
            throw XRoadFault(
                .clientProxy("SslAuthenticationFailed"), "Authentication certificate \(certificate.serialNumber.hex) of security server \(serverID) is not valid: \(status.detail)",
                explain: .providerNotAuthenticated(addressed.name, subject: certificate.subject.description))
        }
    }

    /// Whether a server may authenticate `member`: it is the server's owner, or has a subsystem there
    /// (X-Road matches authentication certificates to members, not to subsystems).
    static func speaks(for member: XRoadClientID, _ server: Topology.SecurityServer) -> Bool {
        server.id.owner == member.member || server.clients.contains { $0.member == member.member }
    }
}

/// Peer certificates already read, by their DER: a connection presents the same one for every request.
final class PeerCertificates: Sendable {
    private let read = BoundedMemo<BytesKey, (certificate: Certificate, server: SecurityServerID?)>()

    /// The parsed certificate and the security server it names, if it is an authentication certificate
    /// (the `xroad-auth` policy, the server id in `serialNumber`); nil if the bytes are not a certificate.
    func read(_ der: [UInt8]) -> (certificate: Certificate, server: SecurityServerID?)? {
        let key = BytesKey(der)
        if let known = read.value(for: key) { return known }
        guard let certificate = try? Certificate(der: der) else { return nil }
        let isAuthentication = certificate.extensions.policies.contains(SecurityServer.authenticationPolicy)
        let server = isAuthentication ? certificate.subject["serialNumber"].flatMap { try? SecurityServerID.parse($0) } : nil
        read.remember((certificate, server), for: key)
        return (certificate, server)
    }
}

extension XRoadFault.Explanation {
    static func peerNotAuthenticated(_ subject: String?) -> Self {
        guard let subject else {
            return .init(
                french: "Le serveur de sécurité appelant n'a présenté aucun certificat TLS. Entre serveurs de sécurité, chacun présente son certificat d'authentification (xroad-auth).",
                english: "The calling security server presented no TLS certificate. Between security servers, each presents its authentication certificate (xroad-auth).")
        }
        return .init(
            french: "Le certificat TLS présenté (\(subject)) n'est pas le certificat d'authentification valide d'un serveur de sécurité de l'instance : il faut un certificat du profil xroad-auth dont le serialNumber nomme un serveur de la topologie, non révoqué.",
            english: "The TLS certificate presented (\(subject)) is not the valid authentication certificate of a security server of the instance: it must be an xroad-auth certificate whose serialNumber names a server of the topology, not revoked.")
    }

    static func peerNotTheMembersServer(_ member: XRoadClientID, peer: String, hosts: [String]) -> Self {
        let where_ = hosts.isEmpty ? "" : " (\(hosts.joined(separator: ", ")))"
        return .init(
            french: "\(peer) a relayé une requête signée par \(member), qui n'y a aucun client : un serveur de sécurité ne parle que pour les membres qu'il héberge. Envoyez la requête par le serveur de ce membre\(where_).",
            english: "\(peer) relayed a request signed by \(member), which has no client there: a security server speaks only for the members it hosts. Send the request through that member's server\(where_).")
    }

    static func providerNotAuthenticated(_ server: String, subject: String?) -> Self {
        let presented = subject.map { " (\($0))" } ?? ""
        return .init(
            french: "Le serveur joint à l'adresse de \(server) a présenté un certificat TLS\(presented) qui n'est pas le certificat d'authentification valide d'un serveur hébergeant le fournisseur. Vérifiez l'adresse du serveur dans la configuration globale et que son certificat xroad-auth n'est pas révoqué.",
            english: "The server reached at \(server)'s address presented a TLS certificate\(presented) that is not the valid authentication certificate of a server hosting the provider. Check the server's address in the global configuration and that its xroad-auth certificate is not revoked.")
    }
}
