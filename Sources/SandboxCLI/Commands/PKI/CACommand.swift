import ArgumentParser
import Foundation
import NIOHTTP1

/// `sandbox pki ca`: the CAs and service certificates.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ca", abstract: "List the CAs, the OCSP responder and the TSA, with fingerprints.")

    @OptionGroup var client: ClientOptions

    struct Authority: Decodable {
        let id: String
        let role: String
        let subject: String
        let notAfter: Date
        let fingerprintSha256: String
        let keyAlgorithm: String
    }

    func run() async throws {
        let base = client.pkiBaseURL
        if client.explain {
            Output.explain([
                "curl -s \(base)/pki/v1/ca",
                "curl -s \(base)/pki/v1/ca/chain.pem -o chain.pem",
                "curl -s \(base)/pki/v1/ca/root/certificate.pem | openssl x509 -noout -subject -fingerprint -sha256",
            ])
        }
        let http = SandboxHTTPClient(baseURL: base, token: nil)
        let (authorities, reply) = try await http.json(.GET, "/pki/v1/ca", as: [Authority].self)
        if client.json { return Output.printJSON(reply.body) }
        for authority in authorities {
            print("\(authority.id.padding(toLength: 8, withPad: " ", startingAt: 0)) \(authority.subject)")
            print("         \(authority.role), \(authority.keyAlgorithm), until \(Output.date(authority.notAfter))")
            print("         SHA-256 \(authority.fingerprintSha256)")
        }
    }
}
