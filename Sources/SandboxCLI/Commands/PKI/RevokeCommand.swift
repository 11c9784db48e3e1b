import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCrypto

/// `sandbox pki cert revoke SERIAL --reason keyCompromise`.
struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a certificate; the CRL and OCSP change at once.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Serial number (hex).")
    var serial: String

    @Option(help: "RFC 5280 reason: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn…")
    var reason: String = "unspecified"

    func run() async throws {
        guard let serial = SerialNumber(hex: serial) else { throw ValidationError("\(self.serial) is not a hex serial number") }
        guard RevocationReason(name: reason) != nil else {
            throw ValidationError("--reason: use one of \(RevocationReason.allCases.map(\.name).joined(separator: ", "))")
        }
        let base = client.pkiBaseURL
        if client.explain {
            Output.explain([
                "curl -s -X POST \(base)/pki/v1/certificates/\(serial.hex)/revoke -H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" -H 'Content-Type: application/json' -d '{\"reason\":\"\(reason)\"}'",
                "curl -s \(base)/pki/v1/crl/issuing.crl | openssl crl -inform DER -noout -text",
            ])
        }
        struct Body: Encodable { let reason: String }
        struct Result: Decodable { let serialNumber: String; let revocationTime: Date; let reason: String; let crlNumber: UInt64; let crl: String }
        let http = SandboxHTTPClient(baseURL: base, token: try client.adminToken())
        let (result, reply) = try await http.json(.POST, "/pki/v1/certificates/\(serial.hex)/revoke", body: Body(reason: reason), as: Result.self)
        if client.json { return Output.printJSON(reply.body) }
        print("Revoked \(result.serialNumber) at \(Output.date(result.revocationTime)) (\(result.reason)); now listed in CRL #\(result.crlNumber): \(result.crl)")
    }
}

/// `sandbox pki cert status SERIAL`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Revocation status of a certificate, as the CA records it.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Serial number (hex).")
    var serial: String

    func run() async throws {
        guard let serial = SerialNumber(hex: serial) else { throw ValidationError("\(self.serial) is not a hex serial number") }
        let base = client.pkiBaseURL
        if client.explain {
            Output.explain(["curl -s -H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" \(base)/pki/v1/certificates/\(serial.hex)/status"])
        }
        struct Status: Decodable { let status: String; let revocationTime: Date?; let reason: String?; let notAfter: Date; let expired: Bool }
        let http = SandboxHTTPClient(baseURL: base, token: try client.adminToken())
        let (status, reply) = try await http.json(.GET, "/pki/v1/certificates/\(serial.hex)/status", as: Status.self)
        if client.json { return Output.printJSON(reply.body) }
        var line = "\(serial.hex): \(status.status)"
        if let time = status.revocationTime { line += " since \(Output.date(time)) (\(status.reason ?? "unspecified"))" }
        line += status.expired ? "; expired \(Output.date(status.notAfter))" : "; valid until \(Output.date(status.notAfter))"
        print(line)
    }
}
