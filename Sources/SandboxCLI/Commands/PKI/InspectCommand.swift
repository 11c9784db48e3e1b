import ArgumentParser
import Foundation
import NIOHTTP1
import SandboxCrypto

/// `sandbox pki cert inspect FILE|SERIAL`: read a certificate file locally, or ask the CA about a serial.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show a certificate file (PEM or DER), or what the CA knows of a serial.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "A certificate file, or a serial number in hex.")
    var target: String

    func run() async throws {
        if FileManager.default.fileExists(atPath: target) {
            if client.explain { Output.explain(["openssl x509 -in \(target) -noout -text"]) }
            let certificate = try Certificate.parse(try InputFile.read(target, what: "certificate"))
            if client.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                struct Document: Encodable {
                    let subject: String, issuer: String, serialNumber: String, notBefore: Date, notAfter: Date
                    let fingerprintSha256: String, signatureAlgorithm: String, publicKey: String
                    let extensions: CertificateExtensions
                }
                let document = Document(
                    subject: certificate.subject.description, issuer: certificate.issuer.description, serialNumber: certificate.serialNumber.hex,
                    notBefore: certificate.notBefore, notAfter: certificate.notAfter, fingerprintSha256: certificate.fingerprintSHA256,
                    signatureAlgorithm: certificate.signatureAlgorithm, publicKey: certificate.publicKey.algorithmDescription,
                    extensions: certificate.extensions)
                return print(String(decoding: try encoder.encode(document), as: UTF8.self))
            }
            print(describe(certificate))
            return
        }
        guard let serial = SerialNumber(hex: target) else {
            throw ValidationError("\(target) is neither a file nor a hex serial number")
        }
        let base = client.pkiBaseURL
        if client.explain {
            Output.explain(["curl -s -H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" \(base)/pki/v1/certificates/\(serial.hex) | jq -r .certificate | openssl x509 -noout -text"])
        }
        let reply = try await SandboxHTTPClient(baseURL: base, token: try client.adminToken()).send(.GET, "/pki/v1/certificates/\(serial.hex)")
        try SandboxHTTPClient.requireSuccess(reply)
        if client.json { return Output.printJSON(reply.body) }
        struct Details: Decodable { let certificate: String; let status: String; let profile: String }
        let details = try JSONDecoder().decode(Details.self, from: Data(reply.body))
        print(describe(try Certificate(pem: details.certificate)))
        print("Profile:     \(details.profile)\nStatus:      \(details.status)")
    }

    private func describe(_ certificate: Certificate) -> String {
        let extensions = certificate.extensions
        var lines = [
            "Subject:     \(certificate.subject)",
            "Issuer:      \(certificate.issuer)",
            "Serial:      \(certificate.serialNumber.hex)",
            "Valid:       \(Output.date(certificate.notBefore)) → \(Output.date(certificate.notAfter))",
            "Key:         \(certificate.publicKey.algorithmDescription), signed with \(certificate.signatureAlgorithm)",
            "SHA-256:     \(certificate.fingerprintSHA256Colons)",
            "CA:          \(extensions.isCA ? "yes" + (extensions.pathLength.map { " (path length \($0))" } ?? "") : "no")",
        ]
        if !extensions.keyUsage.isEmpty { lines.append("Key usage:   \(extensions.keyUsage.map(\.rawValue).joined(separator: ", "))") }
        if !extensions.extendedKeyUsage.isEmpty { lines.append("Ext. usage:  \(extensions.extendedKeyUsage.joined(separator: ", "))") }
        if !extensions.subjectAlternativeNames.isEmpty {
            lines.append("Alt. names:  \(extensions.subjectAlternativeNames.map(\.description).joined(separator: ", "))")
        }
        if !extensions.policies.isEmpty { lines.append("Policies:    \(extensions.policies.joined(separator: ", "))") }
        if !extensions.ocspURLs.isEmpty { lines.append("OCSP:        \(extensions.ocspURLs.joined(separator: ", "))") }
        if !extensions.crlDistributionPoints.isEmpty { lines.append("CRL:         \(extensions.crlDistributionPoints.joined(separator: ", "))") }
        if extensions.ocspNoCheck { lines.append("OCSP nocheck: yes (a delegated OCSP responder)") }
        return lines.joined(separator: "\n")
    }
}
