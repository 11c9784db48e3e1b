import Foundation
import NIOHTTP1
import SandboxCore
import SandboxCrypto

/// `sandbox pki sign --certificate --private-key`: the two-step flow a signing application runs when the key
/// lives on a card or in an HSM. The PKI prepares the CAdES structure, the key signs its signed attributes
/// here, the PKI assembles (and timestamps at B-T). Only the certificate and the signature value travel.
struct LocalKeySigning {
    let client: ClientOptions
    let file: String
    let content: [UInt8]
    let level: String
    let digestOnly: Bool
    let output: String

    struct PrepareBody: Encodable {
        let document: DocumentPayload
        let signingCertificate: String
        let level: String
    }

    struct Prepared: Decodable {
        let id: String
        let dataToSign: String
    }

    struct AssembleBody: Encodable {
        let id: String
        let signatureValue: String
    }

    struct Assembled: Decodable {
        let signatureFormat: String
        let signature: String
        let signingTime: Date
    }

    func run(certificatePath: String, keyPath: String) async throws {
        let certificate = try Certificate.parse(try InputFile.read(certificatePath, what: "--certificate"))
        let key = try PrivateKey(pem: String(decoding: try InputFile.read(keyPath, what: "--private-key"), as: UTF8.self))
        guard certificate.publicKey.matches(key) else {
            throw CLIError("\(keyPath) is not the key of \(certificatePath) (\(certificate.subject))")
        }
        let base = client.pkiBaseURL
        if client.explain {
            Output.explain([
                "# 1. the PKI prepares the signature; keep its id, write dataToSign to a file",
                "curl -s -X POST \(base)/pki/v1/signatures/data-to-sign -H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" -H 'Content-Type: application/json' \\",
                "  -d \"$(jq -n --arg c \"$(cat \(certificatePath))\" --arg b \"$(base64 -w0 \(file))\" '{document: {bytes: $b}, signingCertificate: $c, level: \"\(level)\"}')\" > prepared.json",
                "jq -r .dataToSign prepared.json | base64 -d > dataToSign.bin",
                "# 2. your key signs it (here, or on a card / HSM)",
                "openssl dgst -sha256 -sign \(keyPath) -out signature.bin dataToSign.bin",
                "# 3. the PKI assembles the CAdES signature",
                "curl -s -X POST \(base)/pki/v1/signatures/assemble -H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" -H 'Content-Type: application/json' \\",
                "  -d \"$(jq -n --arg id \"$(jq -r .id prepared.json)\" --arg v \"$(base64 -w0 signature.bin)\" '{id: $id, signatureValue: $v}')\" | jq -r .signature | base64 -d > \(output)",
            ])
        }
        let document = DocumentPayload(file: file, content: content, digestOnly: digestOnly)
        let http = SandboxHTTPClient(baseURL: base, token: try client.adminToken())
        let (prepared, _) = try await http.json(
            .POST, "/pki/v1/signatures/data-to-sign", body: PrepareBody(document: document, signingCertificate: certificate.pem, level: level), as: Prepared.self)
        guard let dataToSign = Data(base64Encoded: prepared.dataToSign) else { throw CLIError("the PKI returned dataToSign that is not base64") }
        let value = try key.sign([UInt8](dataToSign), digest: .sha256)
        let (result, reply) = try await http.json(
            .POST, "/pki/v1/signatures/assemble", body: AssembleBody(id: prepared.id, signatureValue: Data(value).base64EncodedString()), as: Assembled.self)
        guard let signature = Data(base64Encoded: result.signature) else { throw CLIError("the PKI returned a signature that is not base64") }
        try SandboxFiles.writeAtomically(signature, to: URL(fileURLWithPath: output), mode: 0o644)
        if client.json { return Output.printJSON(reply.body) }
        print("\(result.signatureFormat) signature by \(certificate.subject) (your key, signed here) at \(Output.date(result.signingTime))")
        print("  written to \(output)")
    }
}
