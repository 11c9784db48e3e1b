import Foundation
import NIOSSL
import SandboxCrypto

/// Mutual TLS between security servers (port 5500/5501), as X-Road's server proxies speak it: each side
/// presents its authentication certificate (`xroad-auth`) and accepts only a peer whose certificate chains to
/// the sandbox root. Host names are not checked — X-Road pins peers by their registered certificate, not by
/// DNS — so servers on `localhost`, in containers or on a classroom LAN all work.
public struct PeerTLS: Sendable {
    public let server: TLSConfiguration
    public let client: TLSConfiguration

    public init(keys: SecurityServerKeys) throws {
        let chain = try ([keys.authentication.certificate] + keys.authentication.chain.filter { $0 != keys.trustAnchor }).map {
            NIOSSLCertificateSource.certificate(try NIOSSLCertificate(bytes: $0.der, format: .der))
        }
        let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(bytes: Array(try keys.authentication.key.pkcs8PEM().utf8), format: .pem))
        let roots = NIOSSLTrustRoots.certificates([try NIOSSLCertificate(bytes: keys.trustAnchor.der, format: .der)])

        var server = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
        server.certificateVerification = .noHostnameVerification  // requests and requires the peer's certificate
        server.trustRoots = roots
        server.minimumTLSVersion = .tlsv12

        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateChain = chain
        client.privateKey = key
        client.certificateVerification = .noHostnameVerification
        client.trustRoots = roots
        client.minimumTLSVersion = .tlsv12
        self.server = server
        self.client = client
    }
}
