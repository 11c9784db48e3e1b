import AsyncHTTPClient
import Foundation
import NIOHTTP1
import NIOCore
import NIOSSL
import PKI
import SandboxCrypto
import Testing
@testable import XRoad

/// Information system → ss-arcep → ss-asin → registry backend, over real HTTP, with signatures both ways.
@Suite("REST exchange between two security servers")
struct ExchangeTests {
    let eService = ("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
    let companies = "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies"

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aCallCrossesBothServersWithTheXRoadHeaders() async throws {
        let fixture = try await ExchangeFixture()
        let reply = try await fixture.call(
            "ss-arcep", .GET, companies + "?rccm=RB%2FCOT%2F24%20B%2000042",
            headers: [eService, ("X-Road-UserId", "BJ1000000042"), ("X-Road-Issue", "AGR-FAI-2026-000042"), ("Authorization", "Bearer jwt-for-backend"), ("X-Road-Request-Hash", "forged")])
        #expect(reply.status == 200, "\(reply.body)")
        let messageID = try #require(reply.header("x-road-id"))
        #expect(messageID.hasPrefix("BJ-SANDBOX-") && messageID.count == "BJ-SANDBOX-".count + 36)
        #expect(reply.header("x-road-client") == "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        #expect(reply.header("x-road-service") == "BJ-SANDBOX/GOV/APIEX/RCCM/companies")
        #expect(reply.header("x-road-request-hash")?.count == 88)
        #expect(reply.header("x-road-request-hash") != "forged")
        #expect(reply.header("X-Backend") == "rccm-stub")

        // What the backend received.
        let echoed = try json(reply.body)
        #expect(echoed["path"] as? String == "/v1/companies")
        #expect(echoed["query"] as? String == "rccm=RB%2FCOT%2F24%20B%2000042")
        let seen = try #require(echoed["headers"] as? [String: String])
        #expect(seen["X-Road-Client"] == "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        #expect(seen["X-Road-Id"] == messageID)
        #expect(seen["X-Road-Request-Id"] == reply.header("x-road-request-id"))
        #expect(seen["X-Road-UserId"] == "BJ1000000042")
        #expect(seen["X-Road-Issue"] == "AGR-FAI-2026-000042")
        #expect(seen["Authorization"] == "Bearer jwt-for-backend")
        #expect(seen["X-Road-Request-Hash"] == nil)
        // A backend cannot forge the message id.
        #expect(reply.headers[canonicalForm: "x-road-id"].count == 1)
        await fixture.stop()
    }

    /// Exchanges that reach a signature together share it (X-Road's batch signatures), both ways; every
    /// one is answered, verified and logged with what its signature covers.
    @Test func concurrentExchangesAreSignedInBatches() async throws {
        let fixture = try await ExchangeFixture()
        let count = 24
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask { [eService, companies] in
                    try await fixture.call("ss-arcep", .GET, companies + "?rccm=x", headers: [eService, ("X-Road-Id", "batch-\(index)")]).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: count))
        var batched = 0
        for name in ["ss-arcep", "ss-asin"] {
            let log = try #require(fixture.servers[name]).messageLog
            let records = try log.recent(limit: 1000).filter { $0.entry.queryID.hasPrefix("batch-") }
            #expect(records.count == 2 * count, "\(name) logs each request and response")
            #expect(try log.firstBrokenLink() == nil)
            for record in records {
                guard let batchManifest = record.entry.batchManifest else { continue }
                batched += 1
                #expect(BatchManifest.lists(DigestAlgorithm.sha512.hash(record.entry.manifest), in: batchManifest), "\(name) #\(record.id)")
            }
        }
        #expect(batched > 0, "24 simultaneous exchanges make at least one batch")
        await fixture.stop()
    }

    @Test func aGivenMessageIDAndABodyTravelAsIs() async throws {
        let fixture = try await ExchangeFixture()
        let reply = try await fixture.call(
            "ss-arcep", .POST, companies + "/search", headers: [eService, ("X-Road-Id", "my-own-id-1"), ("Content-Type", "application/json")],
            body: #"{"name":"télécom"}"#)
        // POST is outside the e-service's… no: its right on companies is service-level, so any method passes.
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.header("x-road-id") == "my-own-id-1")
        #expect(try json(reply.body)["body"] as? String == #"{"name":"télécom"}"#)
        await fixture.stop()
    }

    @Test func faultsAsTheImplementationWritesThem() async throws {
        let fixture = try await ExchangeFixture()
        // No X-Road-Client.
        let missing = try await fixture.call("ss-arcep", .GET, companies)
        #expect(missing.status == 500)
        #expect(missing.header("X-Road-Error") == "Server.ClientProxy.InvalidClientIdentifier")
        #expect(try json(missing.body)["type"] as? String == "Server.ClientProxy.InvalidClientIdentifier")

        // The classic: calling the provider's security server instead of one's own.
        let wrongServer = try await fixture.call("ss-asin", .GET, companies, headers: [eService, ("Accept-Language", "fr")])
        #expect(wrongServer.header("X-Road-Error") == "Server.ClientProxy.UnknownMember")
        #expect(try json(wrongServer.body)["message"] as? String == "Client 'SUBSYSTEM:BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI' not found")
        #expect(wrongServer.header("X-Sandbox-Explain")?.contains("ss-arcep") == true)
        #expect(!wrongServer.body.contains("ss-arcep"))

        // Access rights are the provider's: the portal may list companies, not read persons.
        let portal = ("X-Road-Client", "BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")
        let denied = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/ANIP/RNPP/persons/1000000042", headers: [portal, ("Accept", "text/xml")])
        #expect(denied.status == 500)
        #expect(denied.header("X-Road-Error") == "Server.ServerProxy.AccessDenied")
        #expect(denied.body.hasPrefix("<error><type>Server.ServerProxy.AccessDenied</type><message>Request is not allowed: SERVICE:BJ-SANDBOX/GOV/ANIP/RNPP/persons</message>"))
        let allowed = try await fixture.call("ss-arcep", .GET, companies + "/", headers: [portal])
        #expect(allowed.status == 200)
        let traversal = try await fixture.call("ss-arcep", .GET, companies + "/x/%2e%2e/", headers: [portal])
        #expect(traversal.status == 200, "normalised to / which the portal may read")
        let escape = try await fixture.call("ss-arcep", .GET, companies + "/x/y", headers: [portal])
        #expect(escape.header("X-Road-Error") == "Server.ServerProxy.AccessDenied")

        let unknownService = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/nope", headers: [eService])
        #expect(unknownService.header("X-Road-Error") == "Server.ServerProxy.UnknownService")
        let soap = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/DGI/IFU/getTaxpayer", headers: [eService])
        #expect(soap.header("X-Road-Error") == "Server.ServerProxy.ServiceType")
        let malformed = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/companies", headers: [eService])
        #expect(malformed.header("X-Road-Error") == "Server.ClientProxy.InternalError")
        let noProvider = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/NOPE/X/svc", headers: [eService])
        #expect(noProvider.header("X-Road-Error") == "Server.ClientProxy.UnknownMember")
        #expect(try json(noProvider.body)["message"] as? String == #"Could not find addresses for service provider "SERVICE:BJ-SANDBOX/GOV/NOPE/X/svc""#)
        await fixture.stop()
    }

    @Test func hostileRequestsGetClearAnswers() async throws {
        let fixture = try await ExchangeFixture()
        // A repeated X-Road-Client counts once: the last one (PR-REST §4.3).
        let twice = try await fixture.call("ss-arcep", .GET, companies, headers: [("X-Road-Client", "BJ-SANDBOX/GOV/NOPE/X"), eService])
        #expect(twice.status == 200)
        let long = try await fixture.call("ss-arcep", .GET, companies + "/" + String(repeating: "a", count: 6000), headers: [eService])
        #expect(long.header("X-Road-Error") == "Server.ClientProxy.InternalError" || long.status == 431 || long.status == 414, "\(long.status)")
        let huge = try await fixture.call("ss-arcep", .POST, companies, headers: [eService], body: String(repeating: "x", count: 17 * 1024 * 1024))
        #expect(huge.header("X-Road-Error") == "Server.ClientProxy.InternalError", "\(huge.status)")
        #expect(huge.body.contains("16777216") || huge.body.contains("exceeds"), "\(huge.body.prefix(200))")
        // HTTP clients escape a stray % themselves, so the server sees an odd service code, not a broken URI.
        let stray = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/compa%ZZnies", headers: [eService])
        #expect(stray.header("X-Road-Error") == "Server.ServerProxy.UnknownService")
        await fixture.stop()
    }

    @Test func redirectsAreReturnedNotFollowed() async throws {
        let fixture = try await ExchangeFixture()
        let reply = try await fixture.call("ss-arcep", .GET, companies + "/moved", headers: [eService])
        #expect(reply.status == 302)
        #expect(reply.header("Location") == "http://elsewhere.invalid/")
        #expect(reply.header("x-road-request-hash") != nil)
        await fixture.stop()
    }

    @Test func aSlowBackendHitsTheServiceTimeout() async throws {
        let fixture = try await ExchangeFixture { yaml in
            yaml.replacingOccurrences(of: "description: ${registry.rccm}/openapi.yaml\n    timeout: 60", with: "description: ${registry.rccm}/openapi.yaml\n    timeout: 1")
        }
        let reply = try await fixture.call("ss-arcep", .GET, companies + "/slow", headers: [eService, ("Accept-Language", "en")])
        #expect(reply.header("X-Road-Error") == "Server.ServerProxy.IOError")
        #expect(reply.header("X-Sandbox-Explain")?.contains("within 1 s") == true)
        await fixture.stop()
    }

    /// A member whose signing certificate is revoked can no longer call: the provider asks the PKI's OCSP.
    @Test func aRevokedSigningCertificateIsRefused() async throws {
        let fixture = try await ExchangeFixture()
        let arcep = try #require(fixture.servers["ss-arcep"]?.keys.signing[try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP")])
        _ = try fixture.authority.revoke(serial: arcep.certificate.serialNumber, reason: .keyCompromise, at: nil)
        let reply = try await fixture.call("ss-arcep", .GET, companies, headers: [eService, ("Accept-Language", "en")])
        #expect(reply.status == 500)
        #expect(reply.header("X-Road-Error") == "Server.ServerProxy.CertValidation")
        #expect(try json(reply.body)["message"] as? String == "OCSP response indicates certificate status is REVOKED")
        #expect(reply.header("X-Sandbox-Explain")?.contains("revoked") == true)
        // Another member of the same server is not affected.
        let portal = try await fixture.call("ss-arcep", .GET, companies + "/", headers: [("X-Road-Client", "BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")])
        #expect(portal.status == 200)
        await fixture.stop()
    }

    @Test func theNewCodeStyleIsASetting() async throws {
        let fixture = try await ExchangeFixture(errorStyle: .v78)
        let denied = try await fixture.call(
            "ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/ANIP/RNPP/persons/1", headers: [("X-Road-Client", "BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")])
        #expect(denied.header("X-Road-Error") == "server.serverproxy.access_denied")
        #expect(denied.status == 500)
        await fixture.stop()
    }
}

/// The server side accepts only security servers with a certificate from the sandbox PKI.
@Suite("Mutual TLS between security servers")
struct PeerTLSTests {
    @Test func aClientWithoutACertificateIsRefusedAndOneFromTheSandboxIsAccepted() async throws {
        let fixture = try await ExchangeFixture()
        let url = fixture.urls["ss-asin-server"]!.replacingOccurrences(of: "http://", with: "https://") + "/health"
        var anonymous = TLSConfiguration.makeClientConfiguration()
        anonymous.certificateVerification = .none
        var request = HTTPClientRequest(url: url)
        request.tlsConfiguration = anonymous
        await #expect(throws: (any Error).self) { _ = try await HTTPClient.shared.execute(request, timeout: .seconds(10)) }

        request.tlsConfiguration = try #require(fixture.servers["ss-arcep"]).peerTLS.client
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        await fixture.stop()
    }
}
