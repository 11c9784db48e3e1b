import ArgumentParser
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Foundation
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing
@testable import SandboxCLI

/// The `sandbox` subcommands, run in-process against a running sandbox, their outputs checked by openssl.
@Suite("sandbox pki commands")
struct CLICommandTests {
    @Test func issueRevokeAndQueryThroughTheCLI() async throws {
        let sandbox = try await RunningSandbox()
        let work = try TemporaryDirectory("cli")
        try await runCommand(
            IssueCommand.self,
            sandbox.clientArguments + [
                "--profile", "tls-server", "--subject", "CN=api.local,O=Démo SARL", "--san", "DNS:api.local", "--out", work.path("leaf.pem"),
                "--key-out", work.path("leaf.key"), "--chain-out", work.path("chain.pem"),
            ])
        let certificate = try Certificate(pem: String(decoding: try work.read("leaf.pem"), as: UTF8.self))
        let key = try PrivateKey(pem: String(decoding: try work.read("leaf.key"), as: UTF8.self))
        #expect(certificate.publicKey.matches(key))
        #expect(certificate.subject.description == "CN=api.local,O=Démo SARL")
        #expect((try FileManager.default.attributesOfItem(atPath: work.path("leaf.key"))[.posixPermissions] as? Int) == 0o600)
        try work.write("root.pem", sandbox.authority.trust.root.pem)
        let verified = try OpenSSLCommand.run(["verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem"], in: work.url)
        #expect(verified.status == 0, "\(verified)")

        try await runCommand(OCSPCommand.self, sandbox.clientArguments + ["--cert", work.path("leaf.pem")])

        try await runCommand(RevokeCommand.self, sandbox.clientArguments + [certificate.serialNumber.hex, "--reason", "keyCompromise"])
        await #expect(throws: ExitCode(1)) {
            try await runCommand(OCSPCommand.self, sandbox.clientArguments + ["--cert", work.path("leaf.pem"), "--hash", "sha256"])
        }
        await #expect(throws: CLIError.self) {
            try await runCommand(RevokeCommand.self, sandbox.clientArguments + [certificate.serialNumber.hex])
        }
        try await runCommand(StatusCommand.self, sandbox.clientArguments + [certificate.serialNumber.hex, "--json"])
        try await runCommand(InspectCommand.self, sandbox.clientArguments + [work.path("leaf.pem")])
        try await runCommand(CACommand.self, sandbox.clientArguments + ["--explain"])
        await sandbox.stop()
    }

    @Test func enrolWithAnOpenSSLMadeCSR() async throws {
        let sandbox = try await RunningSandbox()
        let work = try TemporaryDirectory("cli")
        let made = try OpenSSLCommand.run(
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-subj", "/C=BJ/O=ARCEP/CN=ss-arcep", "-out", "r.csr"],
            in: work.url)
        #expect(made.status == 0)
        try await runCommand(IssueCommand.self, sandbox.clientArguments + ["--profile", "xroad-auth", "--csr", work.path("r.csr"), "--out", work.path("ss.pem")])
        let text = try OpenSSLCommand.run(["x509", "-in", "ss.pem", "-noout", "-text"], in: work.url).output
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(!FileManager.default.fileExists(atPath: work.path("private-key.pem")))
        await sandbox.stop()
    }

    @Test func timestampThroughTheCLIVerifiesWithOpenSSL() async throws {
        let sandbox = try await RunningSandbox()
        let work = try TemporaryDirectory("cli")
        try work.write("doc.txt", "demande d'agrément\n")
        try await runCommand(TimestampCommand.self, sandbox.clientArguments + ["--data", work.path("doc.txt"), "--out", work.path("r.tsr")])
        try work.write("chain.pem", sandbox.authority.trust.chain.map(\.pem).joined())
        let verified = try OpenSSLCommand.run(["ts", "-verify", "-data", "doc.txt", "-in", "r.tsr", "-CAfile", "chain.pem"], in: work.url)
        #expect(verified.all.contains("Verification: OK"), "\(verified)")
        await sandbox.stop()
    }

    @Test func signThroughTheCLIVerifiesWithOpenSSL() async throws {
        let sandbox = try await RunningSandbox()
        let work = try TemporaryDirectory("cli")
        try work.write("agrement.json", "{\"numero\":\"AGR-FAI-2026-000042\"}\n")
        try await runCommand(SignCommand.self, sandbox.clientArguments + [work.path("agrement.json"), "--digest-only"])
        try work.write("root.pem", sandbox.authority.trust.root.pem)
        let verified = try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "agrement.json.p7s", "-content", "agrement.json", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"],
            in: work.url)
        #expect(verified.all.contains("Verification successful"), "\(verified)")
        try await runCommand(SignCommand.self, sandbox.clientArguments + [work.path("agrement.json"), "--format", "JAdES", "--level", "BASELINE_B"])
        let jws = String(decoding: try work.read("agrement.json.jws"), as: UTF8.self)
        #expect(jws.split(separator: ".", omittingEmptySubsequences: false).count == 3)
        await #expect(throws: CLIError.self) {
            try await runCommand(SignCommand.self, sandbox.clientArguments + [work.path("agrement.json"), "--key", "nope"])
        }

        // Two-step: a person's key made by openssl, certified by the sandbox, signing here.
        let made = try OpenSSLCommand.run(
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "me.key", "-subj", "/C=BJ/serialNumber=NPI-1234567890/CN=Awa Dossou", "-out", "me.csr"],
            in: work.url)
        #expect(made.status == 0, "\(made)")
        try await runCommand(IssueCommand.self, sandbox.clientArguments + ["--profile", "signature-person", "--csr", work.path("me.csr"), "--out", work.path("me.pem")])
        try await runCommand(
            SignCommand.self,
            sandbox.clientArguments + [work.path("agrement.json"), "--certificate", work.path("me.pem"), "--private-key", work.path("me.key"), "--out", work.path("mine.p7s")])
        let mine = try OpenSSLCommand.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "mine.p7s", "-content", "agrement.json", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null", "-certsout", "signer.pem"],
            in: work.url)
        #expect(mine.all.contains("Verification successful"), "\(mine)")
        #expect(String(decoding: try work.read("signer.pem"), as: UTF8.self).contains(try Certificate(pem: String(decoding: try work.read("me.pem"), as: UTF8.self)).pem))
        _ = try OpenSSLCommand.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key"], in: work.url)
        for key in ["other.key", "missing.key"] {
            await #expect(throws: CLIError.self) {
                try await runCommand(
                    SignCommand.self, sandbox.clientArguments + [work.path("agrement.json"), "--certificate", work.path("me.pem"), "--private-key", work.path(key)])
            }
        }
        await sandbox.stop()
    }

    @Test func verifyDocumentsAndLabsThroughTheCLI() async throws {
        let sandbox = try await RunningSandbox()
        let work = try TemporaryDirectory("cli")
        try work.write("agrement.json", "{\"numero\":\"AGR-FAI-2026-000042\"}\n")
        try await runCommand(
            RegisterDocumentCommand.self,
            sandbox.clientArguments + [work.path("agrement.json"), "--type", "AGREMENT_FAI", "--title", "Agrément FAI", "--holder", "Démo SARL"])
        try await runCommand(VerifyCommand.self, sandbox.clientArguments + [work.path("agrement.json.p7s"), "--content", work.path("agrement.json")])
        try work.write("other.json", "{}\n")
        await #expect(throws: ExitCode(1)) {
            try await runCommand(VerifyCommand.self, sandbox.clientArguments + [work.path("agrement.json.p7s"), "--content", work.path("other.json")])
        }
        try await runCommand(ScenarioCommand.self, sandbox.clientArguments + ["revoked-no-poe", "--out", work.path("lab")])
        #expect(FileManager.default.fileExists(atPath: work.path("lab/signature.p7s")))
        await #expect(throws: ExitCode(1)) {
            try await runCommand(VerifyCommand.self, sandbox.clientArguments + [work.path("lab/signature.p7s"), "--content", work.path("lab/document.json")])
        }
        await #expect(throws: CLIError.self) { try await runCommand(ScenarioCommand.self, sandbox.clientArguments + ["nope", "--out", work.path("lab2")]) }
        await sandbox.stop()
    }

    @Test func badArgumentsAreRefusedBeforeAnyRequest() throws {
        #expect(throws: (any Error).self) { try SubjectArgument.parse("XX=1") }
        #expect(throws: (any Error).self) { try SubjectArgument.parse("CN") }
        #expect(try SubjectArgument.parse("/C=BJ/O=A\\/B/CN=x") == ["countryName": "BJ", "organizationName": "A/B", "commonName": "x"])
        #expect(try SubjectArgument.parse("CN=Tom\\, Jerry,O=X") == ["commonName": "Tom, Jerry", "organizationName": "X"])
    }

    @Test func initIsIdempotentAndForceMovesTheOldCAAside() async throws {
        let work = try TemporaryDirectory("init")
        let arguments = ["--certs-dir", work.path("certs"), "--data-dir", work.path("data")]
        try await runCommand(InitCommand.self, arguments)
        let root = try String(contentsOf: work.file("certs/root-ca.pem"), encoding: .utf8)
        try await runCommand(InitCommand.self, arguments)
        #expect(try String(contentsOf: work.file("certs/root-ca.pem"), encoding: .utf8) == root)
        #expect(FileManager.default.fileExists(atPath: work.path("certs/profiles/tls-server.json")))
        try await runCommand(InitCommand.self, arguments + ["--force"])
        #expect(try String(contentsOf: work.file("certs/root-ca.pem"), encoding: .utf8) != root)
        let archived = try FileManager.default.contentsOfDirectory(atPath: work.path("certs")).filter { $0.hasPrefix("replaced-") }
        #expect(archived.count == 1)
        #expect(try String(contentsOf: work.file("certs/\(archived[0])/root-ca.pem"), encoding: .utf8) == root)
        // parse() runs validate(), which refuses an unknown key algorithm before anything is written.
        #expect(throws: (any Error).self) { try InitCommand.parse(arguments + ["--key-algorithm", "DSA"]) }
    }
}

/// Parses and runs a subcommand as `sandbox` would.
func runCommand<Command: AsyncParsableCommand>(_ type: Command.Type, _ arguments: [String]) async throws {
    var command = try Command.parse(arguments)
    try await command.run()
}

@Suite("sandbox xroad commands")
struct XRoadCLITests {
    @Test func callLogAndVerifyAsic() async throws {
        let sandbox = try await RunningSandbox()
        let server = ["--server-url", sandbox.configuration.baseURL(.securityServerARCEP)]
        try await runCommand(XRoadCallCommand.self, server + ["GOV/APIEX/RCCM/companies", "?rccm=RB/COT/24 B 00042", "--header", "X-Road-Issue: AGR-FAI-2026-000042"])
        await #expect(throws: ExitCode(1)) {
            try await runCommand(XRoadCallCommand.self, server + ["GOV/ANIP/RNPP/persons", "/1000000042", "--client", "COM/BJ-0000000001/PORTAIL"])
        }
        await #expect(throws: (any Error).self) { try await runCommand(XRoadCallCommand.self, server + ["GOV/APIEX"]) }
        #expect(XRoadCallCommand.encoded("?rccm=RB/COT/24 B 00042") == "?rccm=RB%2FCOT%2F24%20B%2000042")
        try await runCommand(XRoadLogCommand.self, server)

        // The exchange's evidence, downloaded and verified offline.
        let (_, listing) = try await sandbox.get(sandbox.configuration.baseURL(.securityServerARCEP) + "/sandbox/messagelog?limit=10")
        let records = try #require((try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [String: Any])?["records"] as? [[String: Any]])
        let answered = try #require(records.first { $0["direction"] as? String == "response" && ($0["client"] as? String)?.hasSuffix("AGREMENT-FAI") == true })
        let queryID = try #require(answered["queryId"] as? String)
        #expect(answered["signedTogether"] as? Int == 1, "an exchange alone is signed alone")
        let work = try TemporaryDirectory("asic-cli")
        var request = HTTPClientRequest(
            url: sandbox.configuration.baseURL(.securityServerARCEP) + "/asic?queryId=\(queryID)&xRoadInstance=BJ-SANDBOX&memberClass=GOV&memberCode=ARCEP&subsystemCode=AGREMENT-FAI&force")
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        let zip = try await response.body.collect(upTo: 1 << 22)
        try work.write("exchange.zip", Array(zip.readableBytesView))
        let certs = ["--certs-dir", sandbox.configuration.certsDirectory.path]
        try await runCommand(VerifyAsicCommand.self, certs + [work.path("exchange.zip")])
        var tampered = Array(zip.readableBytesView)
        let marker = Array("00042".utf8)
        if let index = (0..<(tampered.count - marker.count)).first(where: { Array(tampered[$0..<($0 + marker.count)]) == marker }) { tampered[index] = UInt8(ascii: "9") }
        try work.write("tampered.zip", tampered)
        await #expect(throws: (any Error).self) { try await runCommand(VerifyAsicCommand.self, certs + [work.path("tampered.zip")]) }
        await sandbox.stop()
    }
}
