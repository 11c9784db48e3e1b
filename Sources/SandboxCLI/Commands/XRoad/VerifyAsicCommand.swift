import ArgumentParser
import Foundation
import SandboxCore
import SandboxCrypto
import XRoad

/// `sandbox xroad verify-asic FILE`: an asicverifier for the sandbox's containers, offline.
struct VerifyAsicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-asic",
        abstract: "Verify an ASiC-E container downloaded from /asic (signature, digests, timestamp, hash chain).",
        discussion: "Exit status 0 only when every check passes. Give a .zip from /asic to check each container in it.")

    @OptionGroup var sandbox: SandboxOptions

    @Argument(help: "The .asice file (or the .zip holding several).")
    var file: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Print the equivalent unzip / openssl commands.")
    var explain = false

    func run() async throws {
        let bytes = try InputFile.read(file, what: "container")
        let chainURL = sandbox.configuration.certsDirectory.appendingPathComponent("chain.pem")
        let chain = (try? Certificate.parseChain(pem: String(contentsOf: chainURL, encoding: .utf8))) ?? []
        guard let root = chain.first(where: \.isSelfIssued) else {
            throw CLIError("no sandbox root in \(chainURL.path): give --certs-dir, the directory `sandbox init` wrote")
        }
        if explain {
            Output.explain([
                "unzip -o \(file) -d asic/",
                "openssl cms -verify -binary -inform DER -in asic/META-INF/signature.p7s -content asic/META-INF/ASiCManifest.xml -CAfile \(chainURL.path) -purpose any -out /dev/null",
                "openssl dgst -sha512 -binary asic/message.http | base64   # compare with the manifest's DigestValue",
                "# signed in a batch (asic/META-INF/sig-hashchainresult.xml present): the signature covers that file, which lists the manifest",
                "openssl cms -verify -binary -inform DER -in asic/META-INF/signature.p7s -content asic/META-INF/sig-hashchainresult.xml -CAfile \(chainURL.path) -purpose any -out /dev/null",
                "openssl dgst -sha512 -binary asic/META-INF/ASiCManifest.xml | base64 -w0   # one of its DigestValue",
                "openssl ts -verify -token_in -in asic/META-INF/timestamp.tst -data asic/META-INF/ts-hashchain.xml -CAfile \(chainURL.path)",
                "openssl dgst -sha256 asic/META-INF/signature.p7s          # listed in ts-hashchain.xml",
            ])
        }
        let containers: [(String, Data)]
        do {
            containers = try Self.containers(in: Data(bytes), name: URL(fileURLWithPath: file).lastPathComponent)
        } catch {
            throw CLIError("\(file) is not a readable ZIP / ASiC container (damaged or changed: \(error))")
        }
        var allValid = true
        var reports: [String: AsicVerifier.Report] = [:]
        for (name, data) in containers {
            let report: AsicVerifier.Report
            do {
                report = try AsicVerifier.verify(data, trustAnchor: root, intermediates: chain.filter { !$0.isSelfIssued })
            } catch {
                throw CLIError("\(name) is not a readable ASiC container (damaged or changed: \(error))")
            }
            reports[name] = report
            allValid = allValid && report.isValid
            guard !json else { continue }
            print("\(name): \(report.isValid ? "VALIDE / VALID" : "NON VALIDE / INVALID")")
            print("  signer:    \(report.signer ?? "—") (\(report.member ?? "no member id"))")
            print("  signed:    \(Output.date(report.signedAt))   timestamp: \(Output.date(report.timestampedAt)) \(report.timestampAuthority.map { "by \($0)" } ?? "")")
            for check in report.checks { print("  \(check.passed ? "✓" : "✗") \(check.name): \(check.detail)") }
            if let preview = report.messagePreview { print("  message:   " + preview.replacingOccurrences(of: "\r\n", with: "\n             ").prefix(300)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        }
        if !allValid { throw ExitCode(1) }
    }

    /// The container itself, or each `.asice` inside a `.zip` from /asic.
    static func containers(in data: Data, name: String) throws -> [(String, Data)] {
        let inner = try AsicContainer.entries(of: data).filter { $0.0.hasSuffix(".asice") }
        return inner.isEmpty ? [(name, data)] : inner
    }
}
