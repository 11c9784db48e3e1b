import ArgumentParser
import Foundation
import NIOHTTP1

/// `sandbox pki verify SIG --content FILE`: the validation report in plain words; exit 0 only for TOTAL_PASSED.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Validate a signature (.p7s or .jws) against its document and explain the verdict.",
        discussion: "Exit status: 0 for TOTAL_PASSED, 1 otherwise.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The signature file (CAdES .p7s, DER or PEM; or a JWS).")
    var signature: String

    @Option(help: "The signed document (for a detached signature).")
    var content: String?

    @Option(help: "Validate as of this time (RFC 3339), e.g. to see an expired certificate.")
    var at: String?

    @Flag(help: "English messages (French by default).")
    var english = false

    struct Report: Decodable {
        struct Signature: Decodable {
            struct Message: Decodable { let key: String; let message: String; let messageEn: String }
            struct Timestamp: Decodable { let productionTime: Date?; let indication: String }
            let signatureFormat: String
            let indication: String
            let subIndication: String?
            let signedBy: String?
            let bestSignatureTime: Date
            let timestamps: [Timestamp]
            let errors: [Message]
            let warnings: [Message]
        }
        let indication: String
        let signatures: [Signature]
    }

    func run() async throws {
        let base = client.pkiBaseURL
        if client.explain {
            Output.explain([
                "openssl cms -verify -binary -inform DER -in \(signature) -content \(content ?? "DOCUMENT") -CAfile certs/root-ca.pem -purpose any -out /dev/null",
                "openssl cms -cmsout -print -inform DER -in \(signature)     # signed attributes, signature timestamp",
                "curl -s -X POST \(base)/pki/v1/validations -H 'Content-Type: application/json' -d \"{\\\"signedDocument\\\":{\\\"bytes\\\":\\\"$(base64 -w0 \(signature))\\\"},"
                    + "\\\"originalDocuments\\\":[{\\\"bytes\\\":\\\"$(base64 -w0 \(content ?? "DOCUMENT"))\\\"}]}\" | jq .validationReport.indication",
            ])
        }
        let signatureBytes = Data(try InputFile.read(signature, what: "signature"))
        var body: [String: Any] = ["signedDocument": ["name": URL(fileURLWithPath: signature).lastPathComponent, "bytes": signatureBytes.base64EncodedString()]]
        if let content {
            body["originalDocuments"] = [["name": URL(fileURLWithPath: content).lastPathComponent, "bytes": Data(try InputFile.read(content, what: "--content")).base64EncodedString()]]
        }
        if let at {
            guard ISO8601DateFormatter().date(from: at) != nil else { throw ValidationError("--at must be an RFC 3339 time, e.g. 2030-01-01T00:00:00Z") }
            body["validationTime"] = at
        }
        let http = SandboxHTTPClient(baseURL: base, token: nil)
        let reply = try await http.send(.POST, "/pki/v1/validations", body: [UInt8](try JSONSerialization.data(withJSONObject: body)), contentType: "application/json")
        try SandboxHTTPClient.requireSuccess(reply)
        struct Envelope: Decodable { let validationReport: Report }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let report = try decoder.decode(Envelope.self, from: Data(reply.body)).validationReport
        if client.json {
            Output.printJSON(reply.body)
        } else {
            for item in report.signatures {
                print("\(item.indication)\(item.subIndication.map { " / \($0)" } ?? "") — \(item.signatureFormat), \(english ? "signed by" : "signé par") \(item.signedBy ?? "?")")
                if let stamp = item.timestamps.first {
                    print("  \(english ? "timestamp" : "horodatage") \(Output.date(stamp.productionTime)) (\(stamp.indication))")
                }
                for message in item.errors { print("  ✗ \(english ? message.messageEn : message.message) [\(message.key)]") }
                for message in item.warnings { print("  ! \(english ? message.messageEn : message.message) [\(message.key)]") }
            }
        }
        if report.indication != "TOTAL_PASSED" { throw ExitCode(1) }
    }
}
