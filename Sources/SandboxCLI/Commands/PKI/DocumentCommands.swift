import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCore

/// `sandbox pki doc register|revoke|qr`: the document register.
struct DocumentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doc", abstract: "Sign and register documents for public verification (QR code, /verify page).",
        subcommands: [RegisterDocumentCommand.self, RevokeDocumentCommand.self, QRCommand.self])
}

struct RegisterDocumentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register", abstract: "Seal a file (CAdES-B-T) and register it.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The file to seal and register.") var file: String
    @Option(help: "Document type, e.g. AGREMENT_FAI.") var type: String
    @Option(help: "Title shown on the verification page.") var title: String
    @Option(help: "Holder shown on the verification page (only what may be public).") var holder: String
    @Option(help: "Expiry (RFC 3339).") var expiresAt: String?
    @Option(help: "The seal.") var key: String = "seal-arcep-sandbox"
    @Option(help: "Where to write the signature (default FILE.p7s).") var out: String?

    func run() async throws {
        let content = Data(try InputFile.read(file, what: "file"))
        var body: [String: Any] = [
            "document": ["name": URL(fileURLWithPath: file).lastPathComponent, "bytes": content.base64EncodedString()],
            "type": type, "title": title, "holder": holder, "signingKey": key,
        ]
        if let expiresAt { body["expiresAt"] = expiresAt }
        if client.explain {
            Output.explain(["curl -s -X POST \(client.pkiBaseURL)/pki/v1/documents -H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" -H 'Content-Type: application/json' -d @request.json"])
        }
        let http = SandboxHTTPClient(baseURL: client.pkiBaseURL, token: try client.adminToken())
        let reply = try await http.send(.POST, "/pki/v1/documents", body: [UInt8](try JSONSerialization.data(withJSONObject: body)), contentType: "application/json")
        try SandboxHTTPClient.requireSuccess(reply)
        if client.json { return Output.printJSON(reply.body) }
        struct Registered: Decodable { let documentId: String; let signature: String; let verification: [String: String] }
        let registered = try JSONDecoder().decode(Registered.self, from: Data(reply.body))
        let output = out ?? file + ".p7s"
        try SandboxFiles.writeAtomically(Data(base64Encoded: registered.signature) ?? Data(), to: URL(fileURLWithPath: output), mode: 0o644)
        print("Registered \(registered.documentId); signature written to \(output)")
        print("  verification page: \(registered.verification["url"] ?? "")")
    }
}

struct RevokeDocumentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Withdraw a registered document (the seal stays valid).")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The document id (doc_…).") var id: String
    @Option(help: "WITHDRAWN, SUPERSEDED or ERROR.") var reason: String = "WITHDRAWN"
    @Option(help: "The document that replaces it.") var supersededBy: String?

    func run() async throws {
        guard Identifier.isSafe(id) else { throw ValidationError("\(id) is not a document id") }
        var body = ["reason": reason]
        body["supersededBy"] = supersededBy
        let http = SandboxHTTPClient(baseURL: client.pkiBaseURL, token: try client.adminToken())
        let reply = try await http.send(.POST, "/pki/v1/documents/\(id)/revoke", body: [UInt8](try JSONEncoder().encode(body)), contentType: "application/json")
        try SandboxHTTPClient.requireSuccess(reply)
        if client.json { return Output.printJSON(reply.body) }
        print("Withdrawn \(id) (\(reason)); the verification page now says so.")
    }
}

struct QRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "qr", abstract: "Download a document's QR code (PNG or SVG).")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The document id (doc_…).") var id: String
    @Option(help: "Output file; .svg gives SVG, anything else PNG.") var out: String = "qr.png"

    func run() async throws {
        guard Identifier.isSafe(id) else { throw ValidationError("\(id) is not a document id") }
        let kind = out.hasSuffix(".svg") ? "svg" : "png"
        if client.explain { Output.explain(["curl -s \(client.pkiBaseURL)/pki/v1/documents/\(id)/qr.\(kind) -o \(out)", "zbarimg --raw \(out)"]) }
        let reply = try await SandboxHTTPClient(baseURL: client.pkiBaseURL, token: nil).send(.GET, "/pki/v1/documents/\(id)/qr.\(kind)")
        try SandboxHTTPClient.requireSuccess(reply)
        try SandboxFiles.writeAtomically(Data(reply.body), to: URL(fileURLWithPath: out), mode: 0o644)
        print("QR code written to \(out)")
    }
}
