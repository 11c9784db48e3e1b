import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCore

/// `sandbox pki lab scenario NAME --out DIR`: the fixtures of a validation exercise.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lab", abstract: "Lab exercises.", subcommands: [ScenarioCommand.self])
}

struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenario", abstract: "Write a scenario's signature, document and certificates into a folder.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "valid-b-b, valid-b-t, tampered-content, wrong-key, untrusted-root, revoked-no-poe, revoked-after-timestamp, expired-no-timestamp, missing-detached-content")
    var name: String
    @Option(help: "Folder to write into.") var out: String = "."

    func run() async throws {
        guard Identifier.isSafe(name, maxLength: 64) else { throw ValidationError("\(name) is not a scenario name") }
        let http = SandboxHTTPClient(baseURL: client.pkiBaseURL, token: try client.adminToken())
        let reply = try await http.send(.POST, "/pki/v1/lab/scenarios/\(name)")
        try SandboxHTTPClient.requireSuccess(reply)
        if client.json { return Output.printJSON(reply.body) }
        struct Bundle: Decodable {
            struct Expected: Decodable { let indication: String; let subIndication: String? }
            let description: String
            let format: String
            let document: String?
            let signature: String
            let signerCertificate: String
            let chain: [String]
            let validationTime: String?
            let expected: Expected
        }
        let bundle = try JSONDecoder().decode(Bundle.self, from: Data(reply.body))
        let folder = URL(fileURLWithPath: out)
        let signatureFile = bundle.format == "CAdES" ? "signature.p7s" : "signature.jws"
        try SandboxFiles.writeAtomically(Data(base64Encoded: bundle.signature) ?? Data(), to: folder.appendingPathComponent(signatureFile), mode: 0o644)
        if let document = bundle.document {
            try SandboxFiles.writeAtomically(Data(base64Encoded: document) ?? Data(), to: folder.appendingPathComponent("document.json"), mode: 0o644)
        }
        try SandboxFiles.writeAtomically(Data(bundle.signerCertificate.utf8), to: folder.appendingPathComponent("signer.pem"), mode: 0o644)
        try SandboxFiles.writeAtomically(Data(bundle.chain.joined().utf8), to: folder.appendingPathComponent("chain.pem"), mode: 0o644)
        print(bundle.description)
        print("  files: \(out)/\(signatureFile)\(bundle.document != nil ? ", \(out)/document.json" : ""), signer.pem, chain.pem")
        print("  expected: \(bundle.expected.indication)\(bundle.expected.subIndication.map { " / \($0)" } ?? "")")
        print("  try: sandbox pki verify \(out)/\(signatureFile)\(bundle.document != nil ? " --content \(out)/document.json" : "")\(bundle.validationTime.map { " --at \($0)" } ?? "")")
    }
}
