import AsyncHTTPClient
import NIOSSL
import Synchronization

/// The HTTP client a security server uses to reach the other security servers, with its mutual-TLS
/// identity (``PeerTLS/client``) set once on the client.
///
/// Setting the TLS configuration on each request instead made AsyncHTTPClient hash the whole configuration
/// (certificate chain and private key, re-encoded) to find the request's connection pool, once per
/// exchange. The client is made on first use, so a server that never relays opens nothing, and shut down
/// when the server's last copy goes.
final class PeerHTTPClient: Sendable {
    private let tls: TLSConfiguration
    private let client = Mutex<HTTPClient?>(nil)

    init(tls: TLSConfiguration) { self.tls = tls }

    deinit {
        // AsyncHTTPClient keeps itself alive until its shutdown completes; nothing waits for it here.
        client.withLock { $0 }?.shutdown { _ in }
    }

    var http: HTTPClient {
        client.withLock { client in
            if let client { return client }
            var configuration = SecurityServer.httpClientConfiguration
            configuration.tlsConfiguration = tls
            let made = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            client = made
            return made
        }
    }
}
