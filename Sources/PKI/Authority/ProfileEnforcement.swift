import Foundation
import SandboxCore
import SandboxCrypto

/// Applies a profile to what a requester asked for, and says precisely what is refused and why. Every
/// refusal is a 400 problem whose `field` points at the part of the request to fix.
struct ProfileEnforcement {
    let profile: CertificateProfile

    /// The subject to certify: the CSR's attributes, overridden by the request's, completed by the
    /// profile's defaults, then checked against the profile.
    func subject(csr: CertificateSigningRequest, overrides: [String: String]?) throws -> DistinguishedName {
        var values: [String: String] = [:]
        for attribute in csr.subject.attributes {
            guard let api = SubjectAttribute.apiName(attribute.type) else {
                throw Problem.badRequest(field: "csr", detail: "the CSR subject has an attribute \(attribute.type) that no profile allows; leave it out of the CSR")
            }
            guard values[api] == nil else {
                throw Problem.badRequest(field: "csr", detail: "the CSR subject has \(api) twice; the sandbox issues one value per attribute")
            }
            values[api] = attribute.value
        }
        for (name, value) in overrides ?? [:] {
            guard SubjectAttribute.openSSLName(name) != nil else {
                throw Problem.badRequest(
                    field: "subject.\(name)",
                    detail: "unknown subject attribute; use one of \(SubjectAttribute.ordered.map(\.api).joined(separator: ", "))")
            }
            values[name] = value
        }
        for (name, value) in profile.subject.defaults where values[name] == nil { values[name] = value }

        for (name, value) in values {
            guard profile.subject.allowed.contains(name) else {
                throw Problem.badRequest(
                    field: "subject.\(name)",
                    detail: "profile \(profile.name) does not allow \(name) in the subject (allowed: \(profile.subject.allowed.joined(separator: ", ")))")
            }
            try Self.check(name: name, value: value)
        }
        for name in profile.subject.required where values[name] == nil {
            throw Problem.badRequest(field: "subject.\(name)", detail: "profile \(profile.name) requires \(name) in the subject")
        }
        return DistinguishedName(SubjectAttribute.ordered.compactMap { api, openSSL in
            values[api].map { DistinguishedName.Attribute(openSSL, $0) }
        })
    }

    /// Upper bounds of RFC 5280 Appendix A (ub-*), and the shape of the country code.
    static func check(name: String, value: String) throws {
        let limit = ["countryName": 2, "serialNumber": 64, "emailAddress": 255].first { $0.key == name }?.value ?? 64
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem.badRequest(field: "subject.\(name)", detail: "\(name) is empty")
        }
        guard value.count <= limit else {
            throw Problem.badRequest(field: "subject.\(name)", detail: "\(name) has \(value.count) characters; the limit is \(limit) (RFC 5280)")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem.badRequest(field: "subject.\(name)", detail: "\(name) contains a control character")
        }
        if name == "countryName", value.wholeMatch(of: /[A-Z]{2}/) == nil {
            throw Problem.badRequest(field: "subject.countryName", detail: "countryName is a two-letter ISO 3166 code in capitals, e.g. BJ")
        }
    }

    /// The SANs to certify: the request's when given, otherwise the CSR's, checked against the profile.
    func subjectAltNames(csr: CertificateSigningRequest, requested: [String]?) throws -> [GeneralName] {
        var names: [GeneralName] = []
        if let requested {
            for (index, text) in requested.enumerated() {
                guard let name = GeneralName(text: text) else {
                    let detail = GeneralName.dns(text).validationError ?? "use DNS:name, IP:address, email:address or URI:uri"
                    throw Problem.badRequest(field: "subjectAltNames[\(index)]", detail: "\"\(text)\" is not a valid subject alternative name: \(detail)")
                }
                names.append(name)
            }
        } else {
            names = csr.requestedSubjectAlternativeNames
            for name in names {
                if let problem = name.validationError { throw Problem.badRequest(field: "csr", detail: "the CSR asks for \(name): \(problem)") }
            }
        }
        guard names.count <= 50 else {
            throw Problem.badRequest(field: "subjectAltNames", detail: "at most 50 subject alternative names")
        }
        for name in names where !profile.subjectAltNames.allowed.contains(Self.form(name)) {
            let allowed = profile.subjectAltNames.allowed
            throw Problem.badRequest(
                field: "subjectAltNames",
                detail: "profile \(profile.name) does not allow \(Self.form(name)) names (\(name))"
                    + (allowed.isEmpty ? "; it takes no subject alternative names" : "; allowed: \(allowed.joined(separator: ", "))"))
        }
        if profile.subjectAltNames.required && names.isEmpty {
            throw Problem.badRequest(field: "subjectAltNames", detail: "profile \(profile.name) requires at least one subject alternative name, e.g. DNS:ss-arcep.local")
        }
        return names
    }

    static func form(_ name: GeneralName) -> String {
        switch name {
        case .dns: "dns"
        case .ip: "ip"
        case .email: "email"
        case .uri: "uri"
        }
    }

    /// The key to certify, if its type is one the profile accepts.
    func publicKey(csr: CertificateSigningRequest) throws -> (PublicKey, KeyAlgorithm) {
        guard let key = csr.publicKey else {
            throw Problem.badRequest(field: "csr", detail: "the CSR's public key cannot be decoded")
        }
        guard let algorithm = key.algorithm, profile.keyAlgorithms.contains(algorithm.name) else {
            throw Problem.badRequest(
                field: "csr",
                detail: "profile \(profile.name) does not accept \(key.algorithmDescription) keys (accepted: \(profile.keyAlgorithms.joined(separator: ", ")))")
        }
        return (key, algorithm)
    }

    /// Key usages for this key type (RFC 5480 §3: no key encipherment with EC keys).
    func keyUsage(for algorithm: KeyAlgorithm) -> [KeyUsage] {
        algorithm.isEllipticCurve ? profile.keyUsage.filter { !$0.isForbiddenForEllipticCurveKeys } : profile.keyUsage
    }

    func validity(requestedDays: Int?) throws -> Int {
        let days = requestedDays ?? profile.validityDays
        guard (1...profile.maxValidityDays).contains(days) else {
            throw Problem.badRequest(field: "validityDays", detail: "profile \(profile.name) allows 1 to \(profile.maxValidityDays) days; got \(days)")
        }
        return days
    }
}
