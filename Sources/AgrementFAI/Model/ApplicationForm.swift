import Foundation
import SandboxCore

/// What the applicant fills in. Every field is optional while the request is a draft; each one given is
/// checked for its format at once, and ``missingForSubmission(definition:)`` lists what submission still
/// needs. Errors name the JSON field, so the same messages serve the API and the pages.
public struct ApplicationForm: Sendable, Codable, Equatable {
    /// RCCM number of the company, e.g. `RB/COT/24 B 00042` (the sandbox's illustrative format).
    public var rccm: String?
    /// IFU of the company: 13 digits.
    public var ifu: String?
    /// NPI of the person who represents the company: 10 digits.
    public var representativeNpi: String?
    /// Contact phone, a Benin number: `+229` and 10 digits (spaces allowed on input).
    public var phone: String?
    public var email: String?
    /// `FIXED`, `MOBILE` or `WIFI_ZONES` (the codes of the definition file).
    public var serviceType: String?
    public var communes: [String]?
    public var upstreamProviders: [String]?
    /// Upstream capacity in Mbit/s.
    public var capacityMbps: Int?

    public init(
        rccm: String? = nil, ifu: String? = nil, representativeNpi: String? = nil, phone: String? = nil, email: String? = nil,
        serviceType: String? = nil, communes: [String]? = nil, upstreamProviders: [String]? = nil, capacityMbps: Int? = nil
    ) {
        self.rccm = rccm
        self.ifu = ifu
        self.representativeNpi = representativeNpi
        self.phone = phone
        self.email = email
        self.serviceType = serviceType
        self.communes = communes
        self.upstreamProviders = upstreamProviders
        self.capacityMbps = capacityMbps
    }

    /// The form with its values tidied (spaces trimmed, the phone in `+229…` form), or a 400 problem
    /// listing every field in the wrong format.
    public func validated(definition: ServiceDefinition) throws(Problem) -> ApplicationForm {
        var form = self
        var errors: [Problem.FieldError] = []
        func fail(_ field: String, _ message: String) { errors.append(.init(field: field, message: message)) }

        form.rccm = rccm.map(Self.tidy)
        if let value = form.rccm, !Self.matches(value, #"^RB/[A-Z]{3}/[0-9]{2} B [0-9]{5}$"#) {
            fail("rccm", "must look like RB/COT/24 B 00042 (RB/, a 3-letter city code, the year on 2 digits, ' B ', 5 digits)")
        }
        form.ifu = ifu.map(Self.tidy)
        if let value = form.ifu, !Self.matches(value, "^[0-9]{13}$") { fail("ifu", "must be 13 digits, e.g. 3202400004218") }
        form.representativeNpi = representativeNpi.map(Self.tidy)
        if let value = form.representativeNpi, !Self.matches(value, "^[0-9]{10}$") { fail("representativeNpi", "must be 10 digits, e.g. 1000000042") }
        if let value = phone {
            let digits = value.filter { !$0.isWhitespace && $0 != "." && $0 != "-" }
            if Self.matches(digits, #"^\+229[0-9]{10}$"#) { form.phone = digits } else { fail("phone", "must be a Benin number: +229 and 10 digits, e.g. +229 01 97 00 00 42") }
        }
        form.email = email.map(Self.tidy)
        if let value = form.email, !Self.matches(value, #"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"#) || value.count > 200 {
            fail("email", "must be an e-mail address such as contact@demo-telecom.bj")
        }
        form.serviceType = serviceType.map(Self.tidy)
        if let value = form.serviceType, definition.serviceType(value) == nil {
            fail("serviceType", "must be one of \(definition.serviceTypes.map(\.code).joined(separator: ", "))")
        }
        form.communes = communes.map { $0.map(Self.tidy).filter { !$0.isEmpty } }
        if let list = form.communes, list.count > 80 || list.contains(where: { $0.count > 60 }) { fail("communes", "at most 80 communes of at most 60 characters") }
        form.upstreamProviders = upstreamProviders.map { $0.map(Self.tidy).filter { !$0.isEmpty } }
        if let list = form.upstreamProviders, list.count > 20 || list.contains(where: { $0.count > 80 }) {
            fail("upstreamProviders", "at most 20 providers of at most 80 characters")
        }
        if let value = capacityMbps, !(1...10_000_000).contains(value) { fail("capacityMbps", "must be a whole number of Mbit/s between 1 and 10000000") }

        if !errors.isEmpty { throw Self.problem(errors) }
        return form
    }

    /// The fields submission needs that are still empty.
    public func missingForSubmission() -> [String] {
        var missing: [String] = []
        if rccm == nil { missing.append("rccm") }
        if ifu == nil { missing.append("ifu") }
        if representativeNpi == nil { missing.append("representativeNpi") }
        if phone == nil { missing.append("phone") }
        if email == nil { missing.append("email") }
        if serviceType == nil { missing.append("serviceType") }
        if communes?.isEmpty ?? true { missing.append("communes") }
        if upstreamProviders?.isEmpty ?? true { missing.append("upstreamProviders") }
        if capacityMbps == nil { missing.append("capacityMbps") }
        return missing
    }

    /// Fields given in `update` replace those of `self`; absent ones are kept (a draft is saved in parts).
    public func merged(with update: ApplicationForm) -> ApplicationForm {
        ApplicationForm(
            rccm: update.rccm ?? rccm, ifu: update.ifu ?? ifu, representativeNpi: update.representativeNpi ?? representativeNpi,
            phone: update.phone ?? phone, email: update.email ?? email, serviceType: update.serviceType ?? serviceType,
            communes: update.communes ?? communes, upstreamProviders: update.upstreamProviders ?? upstreamProviders,
            capacityMbps: update.capacityMbps ?? capacityMbps)
    }

    /// One 400 problem naming every faulty field (the first one in `detail`).
    static func problem(_ errors: [Problem.FieldError]) -> Problem {
        var problem = Problem.badRequest(field: errors[0].field, detail: errors[0].message)
        problem.errors = errors
        if errors.count > 1 { problem.detail += " (and \(errors.count - 1) more: see errors)" }
        return problem
    }

    private static func tidy(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }
}
