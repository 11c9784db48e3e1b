import Foundation
import SandboxCore
import SandboxCrypto

/// The profiles the CA knows, loaded from `certs/profiles/*.json` at start-up.
public struct ProfileCatalogue: Sendable {
    public let profiles: [String: CertificateProfile]

    public init(_ profiles: [CertificateProfile]) {
        self.profiles = Dictionary(profiles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(name: String) -> CertificateProfile? { profiles[name] }
    public var names: [String] { profiles.keys.sorted() }

    /// Loads every `*.json` file of `directory`. A broken file stops start-up with a message that names it:
    /// a CA that silently ignored a profile would issue something else than the trainer wrote.
    public static func load(from directory: URL) throws -> ProfileCatalogue {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else {
            throw PKISetupError("no certificate profiles in \(directory.path): run `sandbox init` to write the default ones")
        }
        var profiles: [CertificateProfile] = []
        for file in files {
            do {
                let profile = try JSONDecoder().decode(CertificateProfile.self, from: Data(contentsOf: file))
                try validate(profile)
                profiles.append(profile)
            } catch let error as PKISetupError {
                throw PKISetupError("\(file.path): \(error.message)")
            } catch {
                throw PKISetupError("\(file.path) is not a valid certificate profile: \(error)")
            }
        }
        return ProfileCatalogue(profiles)
    }

    /// Writes ``DefaultProfiles`` into `directory` (one pretty-printed file each).
    public static func writeDefaults(to directory: URL) throws {
        try SandboxFiles.ensureDirectory(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for profile in DefaultProfiles.all {
            var data = try encoder.encode(profile)
            data.append(0x0A)
            try SandboxFiles.writeAtomically(data, to: directory.appendingPathComponent("\(profile.name).json"), mode: 0o644)
        }
    }

    static func validate(_ profile: CertificateProfile) throws {
        guard profile.name.wholeMatch(of: /[a-z0-9][a-z0-9-]{0,62}/) != nil else {
            throw PKISetupError("profile name \"\(profile.name)\" must be lowercase letters, digits and hyphens")
        }
        for name in profile.subject.allowed + profile.subject.required + Array(profile.subject.defaults.keys)
        where SubjectAttribute.openSSLName(name) == nil {
            throw PKISetupError("unknown subject attribute \"\(name)\"; known: \(SubjectAttribute.ordered.map(\.api).joined(separator: ", "))")
        }
        for algorithm in profile.keyAlgorithms where KeyAlgorithm(name: algorithm) == nil {
            throw PKISetupError("unknown key algorithm \"\(algorithm)\"")
        }
        for form in profile.subjectAltNames.allowed where !["dns", "ip", "email", "uri"].contains(form) {
            throw PKISetupError("unknown subjectAltNames form \"\(form)\" (dns, ip, email, uri)")
        }
        guard profile.validityDays > 0, profile.maxValidityDays >= profile.validityDays else {
            throw PKISetupError("validityDays must be positive and at most maxValidityDays")
        }
        guard profile.policyOID.wholeMatch(of: /[0-9]+(\.[0-9]+)+/) != nil else {
            throw PKISetupError("policyOID \"\(profile.policyOID)\" is not a dotted OID")
        }
    }
}

/// A problem with the PKI's own files or settings, reported at start-up in plain words.
public struct PKISetupError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
