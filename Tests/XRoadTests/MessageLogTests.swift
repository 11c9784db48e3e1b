import Foundation
import NIOHTTP1
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing
@testable import XRoad

@Suite("Message log: records, hash chain, batch timestamps, metadata-only logging")
struct MessageLogTests {
    static let immediate: @Sendable (String) -> String = { yaml in yaml.replacingOccurrences(of: "timestampInterval: 60", with: "timestampInterval: 0") }

    @Test func bothServersLogTheExchangeAndTimestampIt() async throws {
        let fixture = try await ExchangeFixture(editTopology: Self.immediate)
        let reply = try await fixture.call(
            "ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies?rccm=x", headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")])
        #expect(reply.status == 200)
        let queryID = try #require(reply.header("x-road-id"))
        let client = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        for name in ["ss-arcep", "ss-asin"] {
            let server = try #require(fixture.servers[name])
            let records = try server.messageLog.records(queryID: queryID, client: client)
            #expect(records.map(\.entry.isResponse) == [false, true], "\(name)")
            #expect(records.allSatisfy { $0.timestampID != nil }, "immediate mode stamps every record")
            #expect(String(decoding: records[0].entry.message, as: UTF8.self).hasPrefix("GET\r\n/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies?rccm=x\r\n"))
            #expect(records[1].entry.status == 200)
            #expect(records[1].previousHash == records[0].recordHash)
            #expect(try server.messageLog.firstBrokenLink() == nil)

            // The batch token covers the hash-chain document, which lists the record's signature hash.
            let stampID = try #require(records[1].timestampID)
            let batch = try #require(try server.timestamper.batch(stampID))
            #expect(String(decoding: batch.hashChain, as: UTF8.self).contains(records[1].signatureHash))
            let work = try TemporaryDirectory("ts")
            try work.write("hashchain.xml", batch.hashChain)
            try work.write("token.tst", batch.token)
            try work.write("chain.pem", try String(contentsOf: fixture.directory.file("certs/chain.pem"), encoding: .utf8))
            let verified = try OpenSSLCommand.run(["ts", "-verify", "-token_in", "-in", "token.tst", "-data", "hashchain.xml", "-CAfile", "chain.pem"], in: work.url)
            #expect(verified.all.contains("Verification: OK"), "\(verified)")
        }
        await fixture.stop()
    }

    @Test func aRefusedCallIsLoggedByTheConsumerOnly() async throws {
        let fixture = try await ExchangeFixture()
        let portal = try XRoadClientID.parse("BJ-SANDBOX/COM/BJ-0000000001/PORTAIL")
        let reply = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/ANIP/RNPP/persons/1", headers: [("X-Road-Client", portal.headerValue), ("X-Road-Id", "refused-1")])
        #expect(reply.header("X-Road-Error") == "Server.ServerProxy.AccessDenied")
        #expect(try fixture.servers["ss-arcep"]?.messageLog.records(queryID: "refused-1", client: portal).count == 1)
        #expect(try fixture.servers["ss-asin"]?.messageLog.records(queryID: "refused-1", client: portal).isEmpty == true)
        await fixture.stop()
    }

    @Test func aChangedRecordBreaksTheChain() throws {
        let directory = try TemporaryDirectory("log")
        let log = try MessageLog(url: directory.file("messagelog.sqlite"), clock: SystemClock())
        let client = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        for index in 0..<4 {
            try log.append(
                .init(
                    queryID: "q\(index)", requestID: "r", isResponse: false, client: client, provider: client, service: "S", message: [1], attachment: nil,
                    manifest: [2], signature: Array("signature \(index)".utf8), status: nil))
        }
        #expect(try log.firstBrokenLink() == nil)
        try log.database.execute("UPDATE records SET signature = ? WHERE id = 3", [.blob(Array("forged".utf8))])
        #expect(try log.firstBrokenLink() == 3)
    }

    @Test func concurrentAppendsAreCommittedTogetherInOneUnbrokenChain() async throws {
        let directory = try TemporaryDirectory("log")
        let log = try MessageLog(url: directory.file("messagelog.sqlite"), clock: SystemClock())
        let client = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await log.append(
                        MessageLog.Entry(
                            queryID: "q\(index)", requestID: "r", isResponse: false, client: client, provider: client, service: "S", message: [1],
                            attachment: nil, manifest: [2], signature: Array("signature \(index)".utf8), status: nil))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(ids).count == 200)
        #expect(try log.recent(limit: 1000).count == 200)
        #expect(try log.firstBrokenLink() == nil)
        // Every record is where its id says, with its own query id.
        #expect(try log.recent(limit: 1000).allSatisfy { record in record.entry.queryID.hasPrefix("q") && ids.contains(record.id) })
    }

    @Test func thePersonRegisterKeepsMetadataOnly() async throws {
        let fixture = try await ExchangeFixture(editTopology: Self.immediate)
        let reply = try await fixture.call(
            "ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/ANIP/RNPP/persons/1000000042", headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")])
        #expect(reply.status == 200)
        let queryID = try #require(reply.header("x-road-id"))
        let client = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let provider = try #require(try fixture.servers["ss-asin"]?.messageLog.records(queryID: queryID, client: client))
        #expect(provider.count == 2)
        #expect(provider.allSatisfy { $0.entry.message.isEmpty && $0.entry.attachment == nil && !$0.entry.signature.isEmpty })
        let consumer = try #require(try fixture.servers["ss-arcep"]?.messageLog.records(queryID: queryID, client: client))
        #expect(consumer.last?.entry.attachment?.isEmpty == false, "ss-arcep keeps full bodies")
        await fixture.stop()
    }
}
