import AsyncHTTPClient
import Foundation
import SandboxCore
import NIOCore
import NIOHTTP1
import SandboxCrypto
import SandboxTesting
import Testing
@testable import XRoad

/// `/asic`: the evidence of an exchange, checked with unzip and openssl only.
@Suite("ASiC-E containers from the message log")
struct AsicTests {
    static let client = "xRoadInstance=BJ-SANDBOX&memberClass=GOV&memberCode=ARCEP&subsystemCode=AGREMENT-FAI"

    func download(_ fixture: ExchangeFixture, _ url: String, into directory: TemporaryDirectory, as name: String) async throws -> ExchangeFixture.Reply {
        let request = HTTPClientRequestBuilder(url: fixture.urls["ss-arcep"]! + url)
        let (status, headers, bytes) = try await request.fetch()
        try directory.write(name, bytes)
        return ExchangeFixture.Reply(status: status, headers: headers, body: String(decoding: bytes, as: UTF8.self))
    }

    @Test func aRequestContainerVerifiesWithUnzipAndOpenSSL() async throws {
        let fixture = try await ExchangeFixture(editTopology: MessageLogTests.immediate)
        let call = try await fixture.call(
            "ss-arcep", .POST, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies/search", headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI"), ("Content-Type", "application/json")],
            body: #"{"name":"fibre"}"#)
        let queryID = try #require(call.header("x-road-id"))
        let work = try TemporaryDirectory("asic")
        let single = try await download(fixture, "/asic?queryId=\(queryID)&\(Self.client)&requestOnly&unique", into: work, as: "request.asice")
        #expect(single.status == 200)
        #expect(single.header("Content-Type") == AsicContainer.mimeType)
        let listing = try unzip(["-Z1", "request.asice"], in: work.url)
        #expect(listing.split(separator: "\n").first == "mimetype")
        #expect(listing.contains("message.http") && listing.contains("attachment1") && listing.contains("META-INF/signature.p7s") && listing.contains("META-INF/timestamp.tst"))
        _ = try unzip(["-o", "-q", "request.asice", "-d", "x"], in: work.url)
        #expect(try String(contentsOf: work.file("x/attachment1"), encoding: .utf8) == #"{"name":"fibre"}"#)
        #expect(try String(contentsOf: work.file("x/mimetype"), encoding: .utf8) == AsicContainer.mimeType)

        // 1. The signature covers the manifest; 2. the manifest lists the SHA-512 of each file; 3. the
        // timestamp covers the hash chain, which lists the signature's SHA-256.
        try work.write("chain.pem", try String(contentsOf: fixture.directory.file("certs/chain.pem"), encoding: .utf8))
        let signature = try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "x/META-INF/signature.p7s", "-content", "x/META-INF/ASiCManifest.xml", "-CAfile", "chain.pem", "-purpose", "any", "-out", "/dev/null"],
            in: work.url)
        #expect(signature.all.contains("Verification successful"), "\(signature)")
        let manifest = try String(contentsOf: work.file("x/META-INF/ASiCManifest.xml"), encoding: .utf8)
        for file in ["message.http", "attachment1"] {
            let digest = Data(DigestAlgorithm.sha512.hash(Array(try Data(contentsOf: work.file("x/\(file)"))))).base64EncodedString()
            #expect(manifest.contains(#"URI="\#(file)""#) && manifest.contains(digest), "\(file)")
        }
        let stamp = try OpenSSLCommand.run(
            ["ts", "-verify", "-token_in", "-in", "x/META-INF/timestamp.tst", "-data", "x/META-INF/ts-hashchain.xml", "-CAfile", "chain.pem"], in: work.url)
        #expect(stamp.all.contains("Verification: OK"), "\(stamp)")
        let signatureHash = Hex.encodeLower(DigestAlgorithm.sha256.hash(Array(try Data(contentsOf: work.file("x/META-INF/signature.p7s")))))
        #expect(try String(contentsOf: work.file("x/META-INF/ts-hashchain.xml"), encoding: .utf8).contains(signatureHash))

        let both = try await download(fixture, "/asic?queryId=\(queryID)&\(Self.client)", into: work, as: "both.zip")
        #expect(both.header("Content-Type") == "application/zip")
        let names = try unzip(["-Z1", "both.zip"], in: work.url)
        #expect(names.contains("\(queryID)-request-") && names.contains("\(queryID)-response-"))
        await fixture.stop()
    }

    /// A message signed in a batch: its container carries the batch manifest, which the signature covers
    /// and which lists the container's manifest; `openssl` checks both, as does `verify-asic`.
    @Test func aBatchSignedRecordVerifiesThroughItsBatchManifest() throws {
        let hierarchy = try SignedEnvelopeTests.Hierarchy()
        let messages = ["GET\r\n/r1/I/C/M/S/a\r\n", "GET\r\n/r1/I/C/M/S/b\r\n"].map { [MultipartMessage.Part(contentType: RestEnvelopeParts.request, body: Array($0.utf8))] }
        let manifests = messages.map { SignedEnvelope.manifest(for: $0) }
        let signed = try BatchSigner.sign(manifests, by: hierarchy.signer, at: Date())
        let work = try TemporaryDirectory("asic-batch")
        let log = try MessageLog(url: work.file("messagelog.sqlite"), clock: SystemClock())
        let client = try XRoadClientID.parse("BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        for index in 0..<2 {
            try log.append(
                .init(
                    queryID: "batch-\(index)", requestID: "r", isResponse: false, client: client, provider: client, service: "S", message: messages[index][0].body,
                    attachment: nil, manifest: manifests[index], batchManifest: signed[index].batchManifest, signature: signed[index].signature, status: nil))
        }
        let record = try #require(try log.records(queryID: "batch-1", client: client).first)
        #expect(record.entry.batchManifest == signed[1].batchManifest)
        try work.write("b.asice", Array(try AsicContainer.make(record, batch: nil)))

        let report = try AsicVerifier.verify(try Data(contentsOf: work.file("b.asice")), trustAnchor: hierarchy.root)
        let checks = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.name, $0) })
        #expect(checks["batch"]?.passed == true)
        #expect(checks["signature"]?.passed == true && checks["signature"]?.detail.contains("batch manifest") == true)
        #expect(checks["digest message.http"]?.passed == true)
        #expect(checks["timestamp"]?.passed == false, "not stamped in this test")

        _ = try unzip(["-o", "-q", "b.asice", "-d", "x"], in: work.url)
        try work.write("root.pem", hierarchy.root.pem)
        let signature = try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "x/META-INF/signature.p7s", "-content", "x/\(AsicContainer.batchManifestPath)", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
            in: work.url)
        #expect(signature.all.contains("Verification successful"), "\(signature)")
        let digest = Data(DigestAlgorithm.sha512.hash(Array(try Data(contentsOf: work.file("x/META-INF/ASiCManifest.xml"))))).base64EncodedString()
        #expect(try String(contentsOf: work.file("x/\(AsicContainer.batchManifestPath)"), encoding: .utf8).contains(digest))

        // Another message's manifest in the same container is not in the batch: the batch check fails.
        var files = try AsicContainer.entries(of: try Data(contentsOf: work.file("b.asice"))).map { ($0.0, Array($0.1)) }
        let forged = SignedEnvelope.manifest(for: [.init(contentType: RestEnvelopeParts.request, body: Array("GET\r\n/r1/I/C/M/S/c\r\n".utf8))])
        files = files.map { $0.0 == "META-INF/ASiCManifest.xml" ? ($0.0, forged) : $0 }
        let tampered = try AsicVerifier.verify(try AsicContainer.zip(files), trustAnchor: hierarchy.root)
        #expect(tampered.checks.first { $0.name == "batch" }?.passed == false)
    }

    @Test func pendingTimestampsAndBadQueries() async throws {
        let fixture = try await ExchangeFixture()  // batch interval 60 s: nothing stamped yet
        let call = try await fixture.call("ss-arcep", .GET, "/r1/BJ-SANDBOX/GOV/APIEX/RCCM/companies", headers: [("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")])
        let queryID = try #require(call.header("x-road-id"))
        let work = try TemporaryDirectory("asic")
        let pending = try await download(fixture, "/asic?queryId=\(queryID)&\(Self.client)", into: work, as: "p")
        #expect(pending.status == 404 && pending.body == "Some message signatures have not been timestamped yet!")
        let forced = try await download(fixture, "/asic?queryId=\(queryID)&\(Self.client)&force", into: work, as: "f.zip")
        #expect(forced.status == 200)
        let unknown = try await download(fixture, "/asic?queryId=nope&\(Self.client)", into: work, as: "u")
        #expect(unknown.status == 404)
        let missing = try await download(fixture, "/asic?queryId=\(queryID)", into: work, as: "m")
        #expect(missing.status == 400 && missing.body.hasPrefix("Missing parameter"))
        let notUnique = try await download(fixture, "/asic?queryId=\(queryID)&\(Self.client)&unique", into: work, as: "n")
        #expect(notUnique.status == 400)
        await fixture.stop()
    }
}

extension Hex {
    static func encodeLower(_ bytes: [UInt8]) -> String { encode(bytes, uppercase: false) }
}

/// `unzip` with `arguments` in `directory`; its standard output.
func unzip(_ arguments: [String], in directory: URL) throws -> String {
    try ChildProcess.run("unzip", arguments, in: directory.path).outputText
}

/// A GET that returns raw bytes and headers (the fixture's `call` decodes text).
struct HTTPClientRequestBuilder {
    let url: String
    func fetch() async throws -> (Int, HTTPHeaders, [UInt8]) {
        let response = try await ExchangeFixture.client.execute(.init(url: url), timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        return (Int(response.status.code), response.headers, Array(bytes.readableBytesView))
    }
}
