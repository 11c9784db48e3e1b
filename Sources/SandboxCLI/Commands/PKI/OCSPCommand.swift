import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCrypto

/// `sandbox pki ocsp --cert FILE`: ask the responder, verify its answer, say what it means.
struct OCSPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocsp",
        abstract: "Query the OCSP responder about a certificate and verify the signed answer.",
        discussion: "Exit status: 0 good, 1 revoked or unknown (handy in scripts).")

    @OptionGroup var client: ClientOptions

    @Option(help: "The certificate to check (PEM or DER).")
    var cert: String

    @Option(help: "Its issuer's certificate (default: the sandbox issuing CA, downloaded).")
    var issuer: String?

    @Option(help: "Hash of the CertID: sha1 (what most clients send) or sha256.")
    var hash: String = "sha1"

    func run() async throws {
        let base = client.pkiBaseURL
        let http = SandboxHTTPClient(baseURL: base, token: nil)
        let certificate = try Certificate.parse(try InputFile.read(cert, what: "--cert"))
        let issuerCertificate: Certificate
        if let issuer {
            issuerCertificate = try Certificate.parse(try InputFile.read(issuer, what: "--issuer"))
        } else {
            let reply = try await http.send(.GET, "/pki/v1/ca/issuing/certificate")
            try SandboxHTTPClient.requireSuccess(reply)
            issuerCertificate = try Certificate(der: reply.body)
        }
        guard let digest = DigestAlgorithm(name: hash), digest == .sha1 || digest == .sha256 else {
            throw ValidationError("--hash must be sha1 or sha256")
        }
        if client.explain {
            Output.explain([
                "curl -s \(base)/pki/v1/ca/issuing/certificate.pem -o issuing.pem",
                "curl -s \(base)/pki/v1/ca/root/certificate.pem -o root.pem",
                "openssl ocsp -issuer \(issuer ?? "issuing.pem") -cert \(cert) -url \(base)/pki/v1/ocsp -CAfile root.pem -resp_text",
            ])
        }
        let request = try OCSPRequest.create(certificate: certificate, issuer: issuerCertificate, digest: digest)
        let reply = try await http.send(.POST, "/pki/v1/ocsp", body: request.der, contentType: "application/ocsp-request")
        try SandboxHTTPClient.requireSuccess(reply)
        let response = try OCSPResponse(der: reply.body)
        guard response.status == .successful else {
            throw CLIError("the responder answered \(response.status?.name ?? "an unknown status") instead of a signed status")
        }
        let rootReply = try await http.send(.GET, "/pki/v1/ca/root/certificate")
        try SandboxHTTPClient.requireSuccess(rootReply)
        var verification = "signature verified against the sandbox root"
        do {
            try response.verifySignature(trustedRoots: [try Certificate(der: rootReply.body)], intermediates: [issuerCertificate])
        } catch {
            verification = "SIGNATURE NOT VERIFIED: \(error)"
        }
        guard let single = response.responses.first(where: { $0.serialNumber == certificate.serialNumber }) else {
            throw CLIError("the response does not mention serial \(certificate.serialNumber.hex)")
        }
        if client.json {
            struct Document: Encodable {
                let serialNumber: String, status: String, revocationTime: Date?, reason: String?
                let producedAt: Date?, thisUpdate: Date?, nextUpdate: Date?, nonceMatches: Bool, signatureVerified: Bool
            }
            var time: Date?
            var reason: String?
            if case .revoked(let revokedAt, let why) = single.status {
                time = revokedAt
                reason = (why ?? .unspecified).name
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(Document(
                serialNumber: single.serialNumber.hex, status: single.status.name, revocationTime: time, reason: reason,
                producedAt: response.producedAt, thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate,
                nonceMatches: response.nonceMatches(request), signatureVerified: !verification.hasPrefix("SIGNATURE NOT"))), as: UTF8.self))
        } else {
            switch single.status {
            case .good: print("\(certificate.serialNumber.hex): good")
            case .revoked(let time, let reason):
                print("\(certificate.serialNumber.hex): REVOKED at \(Output.date(time)) (\((reason ?? .unspecified).name))")
            case .unknown: print("\(certificate.serialNumber.hex): unknown to this responder (not issued by the sandbox CA?)")
            }
            print("  produced \(Output.date(response.producedAt)), valid until \(Output.date(single.nextUpdate)); \(verification)")
            print("  nonce \(response.nonceMatches(request) ? "echoed" : "NOT echoed")")
        }
        if single.status != .good { throw ExitCode(1) }
    }
}
