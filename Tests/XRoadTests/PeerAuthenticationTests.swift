import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import PKI
import SandboxCore
import SandboxCrypto
import Testing
@testable import XRoad

/// The provider's server checks who relays a request, beyond the TLS handshake: the authentication
/// certificate of the security server of the member that signed it (X-Road's `verifySslClientCert`).
@Suite("Mutual TLS: the consumer's server must be the signing member's")
struct PeerAuthenticationTests {
    /// A request to RCCM for the e-service, signed with ARCEP's key as ss-arcep signs it, sent straight
    /// to ss-asin's server side with `tls` as the request's TLS configuration (nil: the client's own).
    func relay(
        _ fixture: ExchangeFixture, tls: TLSConfiguration?, via client: HTTPClient = .shared, target: String = "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies?rccm=x"
    ) async throws -> (status: Int, error: String?, body: String) {
        let arcep = try #require(fixture.servers["ss-arcep"]?.keys.signing[try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP")])
        let part = RestRequestPart(
            method: "GET", target: target,
            headers: [.init("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI"), .init("X-Road-Id", "relay-1"), .init("X-Road-Request-Id", "r-1")])
        let envelope = try await SignedEnvelope.seal([.init(contentType: RestEnvelopeParts.request, body: part.bytes)], by: arcep, at: Date())
        var request = HTTPClientRequest(url: fixture.urls["ss-asin-server"]!.replacingOccurrences(of: "http://", with: "https://") + "/")
        request.method = .POST
        request.tlsConfiguration = tls
        request.headers.add(name: "Content-Type", value: envelope.contentType)
        request.headers.add(name: "x-road-message-type", value: "REST")
        request.body = .bytes(ByteBuffer(bytes: envelope.encoded()))
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), response.headers.first(name: "X-Road-Error"), body)
    }

    /// A client TLS configuration presenting `certificate` and `key`.
    func presenting(_ certificate: Certificate, key: PrivateKey, fixture: ExchangeFixture) throws -> TLSConfiguration {
        let keys = try #require(fixture.servers["ss-arcep"]).keys
        var tls = try #require(fixture.servers["ss-arcep"]).peerTLS.client
        tls.certificateChain = try ([certificate] + keys.authentication.chain.filter { $0 != keys.trustAnchor }).map {
            .certificate(try NIOSSLCertificate(bytes: $0.der, format: .der))
        }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(try key.pkcs8PEM().utf8), format: .pem))
        return tls
    }

    /// The consumer's server checks who answers (X-Road's `AuthTrustVerifier`): a server reached at the
    /// provider's address must present the authentication certificate of a server hosting the provider.
    /// Here ss-arcep is pointed at its own server side, whose certificate is valid but names ss-arcep.
    @Test func theConsumerRefusesAServerThatDoesNotHostTheProvider() async throws {
        let fixture = try await ExchangeFixture()
        let arcep = try #require(fixture.servers["ss-arcep"])
        let misrouted = try SecurityServer(
            name: "ss-arcep", configuration: arcep.configuration, keys: arcep.keys,
            peers: ["ss-asin": fixture.urls["ss-arcep-server"]!.replacingOccurrences(of: "http://", with: "https://")], messageLog: arcep.messageLog,
            tsaURL: fixture.urls["pki"]! + "/pki/v1/tsa", logger: ExchangeFixture.logger)
        let asin = try #require(fixture.topology.securityServer(named: "ss-asin"))
        let signer = try #require(arcep.keys.signing[try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP")])
        let envelope = try await SignedEnvelope.seal([.init(contentType: RestEnvelopeParts.request, body: Array("GET /r1 HTTP/1.1\r\n".utf8))], by: signer, at: Date())
        let provider = try XRoadClientID.parse("BJ-SANDBOX/GOV/APIEX/RCCM")
        await #expect {
            try await ClientProxy(server: misrouted).send(envelope, to: asin, serving: provider, requestID: "r-1")
        } throws: { error in
            guard let fault = error as? XRoadFault else { return false }
            return fault.code == .clientProxy("SslAuthenticationFailed")
                && fault.message == "Security server \(arcep.definition.id) does not host the service provider \(provider.member)"
        }
        // The real route passes the same check.
        let answer = try await ClientProxy(server: arcep).send(envelope, to: asin, serving: provider, requestID: "r-2")
        #expect(answer.fault != nil, "ss-asin answered (with its own fault for this bare part), so the check let the request through")
        await fixture.stop()
    }

    @Test func theConsumerRefusesAProviderServerWhoseCertificateIsRevoked() async throws {
        let fixture = try await ExchangeFixture()
        let asin = try #require(fixture.servers["ss-asin"])
        _ = try fixture.authority.revoke(serial: asin.keys.authentication.certificate.serialNumber, reason: .keyCompromise, at: nil)
        let reply = try await fixture.call(
            "ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies?rccm=RB%2FCOT%2F24%20B%2000042",
            headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")])
        #expect(reply.status == 500)
        #expect(reply.header("X-Road-Error") == "Server.ClientProxy.SslAuthenticationFailed")
        #expect(reply.body.contains("of security server \(asin.definition.id) is not valid"), "\(reply.body)")
        #expect(reply.header("X-Sandbox-Explain")?.contains("xroad-auth") == true)
        let logged = try asin.messageLog.recent(limit: 10)
        #expect(logged.isEmpty, "nothing reached the provider's server")
        await fixture.stop()
    }

    @Test func theMembersOwnServerIsAcceptedAnotherServerIsNot() async throws {
        let fixture = try await ExchangeFixture()
        let arcep = try #require(fixture.servers["ss-arcep"])
        let accepted = try await relay(fixture, tls: arcep.peerTLS.client)
        #expect(accepted.status == 200, "\(accepted)")
        #expect(accepted.error == nil)

        // ss-asin's own, valid, authentication certificate: but ARCEP has no client on ss-asin.
        let refused = try await relay(fixture, tls: try #require(fixture.servers["ss-asin"]).peerTLS.client)
        #expect(refused.status == 500)
        #expect(refused.error == "Server.ServerProxy.SslAuthenticationFailed")
        let asin = try #require(fixture.servers["ss-asin"])
        #expect(refused.body.contains("Client 'MEMBER:BJ-SANDBOX/GOV/ARCEP' is not registered at security server \(asin.definition.id)"), "\(refused.body)")
        let logged = try asin.messageLog.records(queryID: "relay-1", client: try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI"))
        #expect(logged.map(\.entry.isResponse) == [false, true], "only the accepted relay reached the provider's log")
        await fixture.stop()
    }

    @Test func anAuthenticationCertificateForNoKnownServerIsRefused() async throws {
        let fixture = try await ExchangeFixture()
        let (certificate, key) = try fixture.authority.issueWithGeneratedKey(
            profile: "xroad-auth", subject: ["commonName": "ss-rogue", "organizationName": "Rogue", "serialNumber": "BJ-SANDBOX/GOV/ARCEP/ss-rogue"],
            subjectAltNames: nil, keyAlgorithm: .ecdsaP256, validityDays: nil)
        let refused = try await relay(fixture, tls: try presenting(certificate, key: key, fixture: fixture))
        #expect(refused.error == "Server.ServerProxy.SslAuthenticationFailed")
        #expect(refused.body.contains("Authentication certificate \(certificate.serialNumber.hex) is not associated with any security server"), "\(refused.body)")
        await fixture.stop()
    }

    @Test func aRevokedAuthenticationCertificateIsRefused() async throws {
        let fixture = try await ExchangeFixture()
        let arcep = try #require(fixture.servers["ss-arcep"])
        _ = try fixture.authority.revoke(serial: arcep.keys.authentication.certificate.serialNumber, reason: .keyCompromise, at: nil)
        let refused = try await relay(fixture, tls: arcep.peerTLS.client)
        #expect(refused.error == "Server.ServerProxy.SslAuthenticationFailed")
        #expect(refused.body.contains("is not valid: OCSP response indicates certificate status is REVOKED"), "\(refused.body)")
        await fixture.stop()
    }

    @Test func aTargetNoConsumerServerWouldSendIsAnInvalidMessageOfTheProvider() async throws {
        let fixture = try await ExchangeFixture()
        let reply = try await relay(fixture, tls: try #require(fixture.servers["ss-arcep"]).peerTLS.client, target: "/r1/BJ-SANDBOX/GOV/APIEX")
        #expect(reply.status == 500)
        #expect(reply.error == "Server.ServerProxy.InvalidMessage")
        #expect(reply.body.contains("Invalid REST request path"), "\(reply.body)")
        await fixture.stop()
    }

    @Test func onlyAnXRoadAuthCertificateNamesAServer() async throws {
        let fixture = try await ExchangeFixture()
        let arcep = try #require(fixture.servers["ss-arcep"])
        let read = PeerCertificates()
        #expect(read.read(arcep.keys.authentication.certificate.der)?.server == arcep.definition.id)
        // The same server id in a certificate of another profile names nothing.
        let (signing, _) = try fixture.authority.issueWithGeneratedKey(
            profile: "xroad-sign", subject: ["commonName": "ARCEP", "organizationName": "ARCEP", "serialNumber": arcep.definition.id.parts.joined(separator: "/")],
            subjectAltNames: nil, keyAlgorithm: .ecdsaP256, validityDays: nil)
        #expect(read.read(signing.der)?.certificate.serialNumber == signing.serialNumber)
        #expect(read.read(signing.der)?.server == nil)
        #expect(read.read(Array("not a certificate".utf8)) == nil)
        await fixture.stop()
    }
}
