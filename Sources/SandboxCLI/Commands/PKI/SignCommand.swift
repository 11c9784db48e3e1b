import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCore
import SandboxCrypto

/// `sandbox pki sign FILE`: a detached signature by one of the PKI's seals (the key stays in the PKI), or
/// with `--certificate` and `--private-key`, by your own key (the key stays here: two-step flow).
struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a file with a seal held by the PKI (detached CAdES .p7s, or JAdES .jws).",
        discussion: """
            With --digest-only, only the file's SHA-256 is sent (CAdES only).
            With --certificate and --private-key, the PKI prepares the CAdES signature, the key signs here, and the PKI \
            assembles it (POST /pki/v1/signatures/data-to-sign, then /assemble): the private key never leaves this machine.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The file to sign.")
    var file: String

    @Option(help: "CAdES or JAdES.")
    var format: String = "CAdES"

    @Option(help: "BASELINE_B, or BASELINE_T (adds a signature timestamp; CAdES only).")
    var level: String = "BASELINE_T"

    @Option(help: "The seal (see GET /pki/v1/signing-keys).")
    var key: String = "seal-arcep-sandbox"

    @Flag(help: "Send only the file's SHA-256, not the file.")
    var digestOnly = false

    @Option(help: "Where to write the signature (default: FILE.p7s or FILE.jws).")
    var out: String?

    @Option(help: "Your certificate (PEM), to sign with your own key instead of a seal.")
    var certificate: String?

    @Option(help: "Your private key (PEM), used here only; goes with --certificate.")
    var privateKey: String?

    func validate() throws {
        guard (certificate == nil) == (privateKey == nil) else { throw ValidationError("give both --certificate and --private-key, or neither") }
        if certificate != nil, format.uppercased() != "CADES" { throw ValidationError("signing with your own key makes CAdES only") }
    }

    func run() async throws {
        let content = try InputFile.read(file, what: "file")
        let jades = format.uppercased() == "JADES"
        let output = out ?? file + (jades ? ".jws" : ".p7s")
        let base = client.pkiBaseURL
        if let certificate, let privateKey {
            return try await LocalKeySigning(client: client, file: file, content: content, level: level, digestOnly: digestOnly, output: output)
                .run(certificatePath: certificate, keyPath: privateKey)
        }
        if client.explain {
            let document = digestOnly
                ? "{name: \"\(file)\", digest: {algorithm: \"SHA256\", value: $(openssl dgst -sha256 -binary \(file) | base64 -w0 | jq -R .)}}"
                : "{name: \"\(file)\", bytes: \"$(base64 -w0 \(file))\"}"
            Output.explain([
                "curl -s -X POST \(base)/pki/v1/signatures -H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" -H 'Content-Type: application/json' \\",
                "  -d \"{\\\"document\\\": \(document.replacingOccurrences(of: "\"", with: "\\\"")), \\\"format\\\": \\\"\(format)\\\", \\\"level\\\": \\\"\(level)\\\", \\\"signingKey\\\": \\\"\(key)\\\"}\" \\",
                "  | jq -r .signature" + (jades ? " > \(output)" : " | base64 -d > \(output)"),
                jades ? "# verify: split header..signature, rebuild header.base64url(file), check with the seal's key"
                    : "openssl cms -verify -binary -inform DER -in \(output) -content \(file) -CAfile certs/root-ca.pem -purpose any -out /dev/null",
            ])
        }
        struct Body: Encodable {
            let document: DocumentPayload
            let format: String
            let level: String
            let signingKey: String
        }
        struct Result: Decodable {
            let signatureFormat: String
            let signature: String
            let signingTime: Date
            let signer: Signer
            struct Signer: Decodable { let subject: String }
        }
        let document = DocumentPayload(file: file, content: content, digestOnly: digestOnly)
        let http = SandboxHTTPClient(baseURL: base, token: try client.adminToken())
        let (result, reply) = try await http.json(
            .POST, "/pki/v1/signatures", body: Body(document: document, format: format, level: level, signingKey: key), as: Result.self)
        let signature = jades ? Array(result.signature.utf8) : [UInt8](Data(base64Encoded: result.signature) ?? Data())
        try SandboxFiles.writeAtomically(Data(signature), to: URL(fileURLWithPath: output), mode: 0o644)
        if client.json { return Output.printJSON(reply.body) }
        print("\(result.signatureFormat) signature by \(result.signer.subject) at \(Output.date(result.signingTime))")
        print("  written to \(output)")
    }
}

/// A document in a signing request: the file itself, or only its SHA-256.
struct DocumentPayload: Encodable {
    let name: String
    let bytes: String?
    let digest: [String: String]?

    init(file: String, content: [UInt8], digestOnly: Bool) {
        name = URL(fileURLWithPath: file).lastPathComponent
        bytes = digestOnly ? nil : Data(content).base64EncodedString()
        digest = digestOnly ? ["algorithm": "SHA256", "value": Data(DigestAlgorithm.sha256.hash(content)).base64EncodedString()] : nil
    }
}
