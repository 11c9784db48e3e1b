import ArgumentParser
import Foundation
import NIOHTTP1
import PKI
import SandboxCore
import SandboxCrypto

/// `sandbox pki cert issue`: enrol like a security server does — key generated here, CSR, profile.
struct IssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Get a certificate from the sandbox CA.",
        discussion: """
            Without --csr, a key pair is generated locally (it never leaves this machine), a CSR is built \
            from --subject and --san, and the key is written to --key-out with mode 0600.
            Example: sandbox pki cert issue --profile tls-server --subject CN=api.local --san DNS:api.local
            """)

    @OptionGroup var client: ClientOptions

    @Option(help: "Profile: xroad-auth, xroad-sign, seal-organization, signature-person, tls-server (see certs/profiles).")
    var profile: String

    @Option(help: "An existing CSR (PEM or DER). Without it, a key and CSR are made here.")
    var csr: String?

    @Option(help: "Subject, e.g. \"CN=ss-arcep,O=ARCEP,C=BJ\".")
    var subject: String?

    @Option(name: .customLong("san"), help: "Subject alternative name (repeatable): DNS:name, IP:address, email:address, URI:uri.")
    var subjectAltNames: [String] = []

    @Option(help: "Key type when generating: EC-P256, EC-P384, RSA-2048, RSA-3072, RSA-4096.")
    var keyAlgorithm: String = "EC-P256"

    @Option(help: "Validity in days (default: the profile's).")
    var validityDays: Int?

    @Option(help: "Where to write the certificate (PEM).")
    var out: String = "certificate.pem"

    @Option(help: "Where to write the generated private key (PEM, mode 0600).")
    var keyOut: String = "private-key.pem"

    @Option(help: "Where to write the chain (issuing CA + root).")
    var chainOut: String?

    func run() async throws {
        let values = try subject.map(SubjectArgument.parse) ?? [:]
        guard let algorithm = KeyAlgorithm(name: keyAlgorithm) else { throw ValidationError("--key-algorithm: unknown \(keyAlgorithm)") }
        let base = client.pkiBaseURL
        if client.explain {
            var lines: [String] = []
            if csr == nil {
                lines.append("openssl genpkey \(algorithm.openSSLGenpkeyArguments) -out \(keyOut)")
                let sans = subjectAltNames.isEmpty ? "" : " -addext \"subjectAltName=\(subjectAltNames.joined(separator: ","))\""
                lines.append("openssl req -new -key \(keyOut) -subj \"\(SubjectArgument.openSSLForm(values))\"\(sans) -out request.csr")
            }
            let csrFile = csr ?? "request.csr"
            lines.append(
                "jq -n --rawfile csr \(csrFile) '{csr: $csr, profile: \"\(profile)\"}' | curl -s -X POST \(base)/pki/v1/certificates "
                    + "-H \"Authorization: Bearer $SANDBOX_ADMIN_TOKEN\" -H 'Content-Type: application/json' --data @- | jq -r .certificate > \(out)")
            lines.append("openssl x509 -in \(out) -noout -text")
            Output.explain(lines)
        }

        let request: CertificateSigningRequest
        var generatedKey: PrivateKey?
        if let csr {
            request = try CertificateSigningRequest.parse(try InputFile.read(csr, what: "--csr"))
        } else {
            let key = try PrivateKey.generate(algorithm)
            let names: [GeneralName] = try subjectAltNames.map { text in
                guard let name = GeneralName(text: text) else { throw ValidationError("--san: \"\(text)\" is not DNS:…, IP:…, email:… or URI:…") }
                return name
            }
            request = try CertificateSigningRequest.create(subject: SubjectArgument.distinguishedName(values), key: key, subjectAlternativeNames: names)
            generatedKey = key
        }

        struct Body: Encodable {
            let csr: String
            let profile: String
            let subject: [String: String]?
            let subjectAltNames: [String]?
            let validityDays: Int?
        }
        struct Issued: Decodable {
            let serialNumber: String
            let certificate: String
            let certificateChain: [String]?
            let subject: String
            let notAfter: Date
            let fingerprintSha256: String
        }
        let body = Body(
            csr: request.pem, profile: profile, subject: csr != nil && !values.isEmpty ? values : nil,
            subjectAltNames: csr != nil && !subjectAltNames.isEmpty ? subjectAltNames : nil, validityDays: validityDays)
        let http = SandboxHTTPClient(baseURL: base, token: try client.adminToken())
        let (issued, reply) = try await http.json(.POST, "/pki/v1/certificates", body: body, as: Issued.self)

        if let generatedKey {
            try SandboxFiles.writeAtomically(Data(try generatedKey.pkcs8PEM().utf8), to: URL(fileURLWithPath: keyOut), mode: 0o600)
        }
        try SandboxFiles.writeAtomically(Data(issued.certificate.utf8), to: URL(fileURLWithPath: out), mode: 0o644)
        if let chainOut, let chain = issued.certificateChain {
            try SandboxFiles.writeAtomically(Data(chain.joined().utf8), to: URL(fileURLWithPath: chainOut), mode: 0o644)
        }
        if client.json { return Output.printJSON(reply.body) }
        print("Issued \(issued.serialNumber) to \(issued.subject), valid until \(Output.date(issued.notAfter))")
        print("  certificate: \(out)" + (generatedKey != nil ? "\n  private key: \(keyOut) (0600)" : "") + (chainOut.map { "\n  chain:       \($0)" } ?? ""))
        print("  SHA-256 \(issued.fingerprintSha256)")
    }
}
