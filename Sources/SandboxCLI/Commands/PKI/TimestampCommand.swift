import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCore
import SandboxCrypto

/// `sandbox pki ts --data FILE`: an RFC 3161 timestamp from the sandbox TSA, verified.
struct TimestampCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ts", abstract: "Timestamp a file (or a digest) with the sandbox TSA and verify the token.")

    @OptionGroup var client: ClientOptions

    @Option(help: "The file to timestamp (only its hash is sent).")
    var data: String?

    @Option(help: "Or a digest in hex.")
    var digest: String?

    @Option(help: "sha256, sha384 or sha512.")
    var algorithm: String = "sha256"

    @Option(help: "Where to save the timestamp reply (DER, .tsr).")
    var out: String?

    func run() async throws {
        guard let algorithm = DigestAlgorithm(name: algorithm), algorithm != .sha1 else { throw ValidationError("--algorithm must be sha256, sha384 or sha512") }
        let hash: [UInt8]
        switch (data, digest) {
        case (let file?, nil): hash = algorithm.hash(try InputFile.read(file, what: "--data"))
        case (nil, let hex?):
            guard let bytes = Hex.decode(hex), bytes.count == algorithm.length else {
                throw ValidationError("--digest must be \(algorithm.length) bytes of hex for \(algorithm.rawValue)")
            }
            hash = bytes
        default: throw ValidationError("give --data FILE or --digest HEX")
        }
        let base = client.pkiBaseURL
        if client.explain {
            let input = data.map { "-data \($0)" } ?? "-digest \(digest ?? "")"
            Output.explain([
                "openssl ts -query \(input) -\(algorithm.openSSLName) -cert -out query.tsq",
                "curl -s -H 'Content-Type: application/timestamp-query' --data-binary @query.tsq \(base)/pki/v1/tsa -o reply.tsr",
                "curl -s \(base)/pki/v1/ca/chain.pem -o chain.pem",
                "openssl ts -reply -in reply.tsr -text",
                "openssl ts -verify -queryfile query.tsq -in reply.tsr -CAfile chain.pem",
            ])
        }
        let http = SandboxHTTPClient(baseURL: base, token: nil)
        let query = try TimestampRequest.create(digestAlgorithm: algorithm, digest: hash)
        let reply = try await http.send(.POST, "/pki/v1/tsa", body: query.der, contentType: "application/timestamp-query")
        try SandboxHTTPClient.requireSuccess(reply)
        let response = try TimestampResponse(der: reply.body)
        guard let token = response.token else {
            throw CLIError("the TSA answered \(response.status?.name ?? "?"): \(response.statusText.joined(separator: "; "))")
        }
        let chainReply = try await http.send(.GET, "/pki/v1/ca/chain.pem")
        try SandboxHTTPClient.requireSuccess(chainReply)
        let chain = try Certificate.parseChain(pem: chainReply.text)
        var verification = "verified against the sandbox root"
        do {
            try token.verify(digest: hash, trustedRoots: chain.suffix(1), untrusted: Array(chain.dropLast()))
        } catch {
            verification = "NOT VERIFIED: \(error)"
        }
        if let out { try SandboxFiles.writeAtomically(Data(reply.body), to: URL(fileURLWithPath: out), mode: 0o644) }
        if client.json {
            struct Document: Encodable {
                let genTime: Date?, serialNumber: String, policy: String, tsa: String?, digestAlgorithm: String, digest: String, verified: Bool
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            return print(String(decoding: try encoder.encode(Document(
                genTime: token.genTime, serialNumber: token.serialNumber.hex, policy: token.policy, tsa: token.tsaName,
                digestAlgorithm: algorithm.rawValue, digest: Hex.encode(hash, uppercase: false), verified: !verification.hasPrefix("NOT"))), as: UTF8.self))
        }
        print("Timestamp \(token.serialNumber.hex) at \(Output.date(token.genTime)) by \(token.tsaName ?? "the sandbox TSA")")
        print("  policy \(token.policy), \(algorithm.rawValue) \(Hex.encode(hash, uppercase: false)); \(verification)")
        if let out { print("  reply saved to \(out)") }
    }
}
