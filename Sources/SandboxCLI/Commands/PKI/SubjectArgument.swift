import ArgumentParser
import Foundation
import PKI
import SandboxCrypto

/// Parses a subject as people type it: `CN=ARCEP,O=ARCEP Bénin,C=BJ` (RFC 4514 order or any order) or the
/// OpenSSL slash form `/C=BJ/O=ARCEP/CN=ARCEP`. Attribute names are OpenSSL's short names or the API's.
enum SubjectArgument {
    static func parse(_ text: String) throws -> [String: String] {
        let separator: Character = text.hasPrefix("/") ? "/" : ","
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        var values: [String: String] = [:]
        for part in parts.map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[1].isEmpty else { throw ValidationError("--subject: \"\(part)\" is not NAME=value") }
            guard let api = SubjectAttribute.apiName(pair[0]) ?? (SubjectAttribute.openSSLName(pair[0]) != nil ? pair[0] : nil) else {
                throw ValidationError("--subject: unknown attribute \(pair[0]) (use CN, O, OU, C, L, ST, serialNumber, organizationIdentifier, GN, SN, emailAddress)")
            }
            values[api] = pair[1]
        }
        return values
    }

    /// The subject as a distinguished name, for a locally built CSR.
    static func distinguishedName(_ values: [String: String]) -> DistinguishedName {
        DistinguishedName(SubjectAttribute.ordered.compactMap { api, openSSL in values[api].map { .init(openSSL, $0) } })
    }

    /// The OpenSSL `-subj` form, for `--explain`.
    static func openSSLForm(_ values: [String: String]) -> String {
        SubjectAttribute.ordered.compactMap { api, openSSL in values[api].map { "/\(openSSL)=\($0.replacingOccurrences(of: "/", with: "\\/"))" } }.joined()
    }
}
