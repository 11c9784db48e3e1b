import HTTPTypes
/// A payer's phone number. Benin numbers are `+229` followed by ten digits starting with `01` (the 2024
/// numbering plan); the few foreign test numbers of other sandboxes are accepted as aliases (§4.6).
public struct MSISDN: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    /// Numbers other sandboxes document, accepted as-is so trainees' existing test data keeps working.
    static let compatAliases: Set<String> = [
        "46733123450", "46733123451", "46733123452", "46733123455",
        "+22951345029", "+22951345039", "+22951345069", "+22951345129", "+22951345789",
        "+22960000000",
    ]

    /// Normalises spaces, dots and dashes away and `00229` to `+229`.
    /// - Throws: `invalid_msisdn` naming `param`.
    public init(parsing text: String, param: String = "msisdn") throws {
        var compact = String(text.filter { !" .-()".contains($0) })
        if compact.hasPrefix("00229") { compact = "+" + compact.dropFirst(2) }
        if compact.hasPrefix("229") && compact.count == 11 { compact = "+" + compact }
        let digits = compact.dropFirst(4)
        let isBenin = compact.hasPrefix("+229") && digits.count == 10 && digits.hasPrefix("01") && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        guard isBenin || Self.compatAliases.contains(compact) else {
            throw PNPEError(
                .badRequest, code: "invalid_msisdn",
                message: "\(param): \(text.prefix(40)) is not a Benin mobile number; write +229 then 10 digits starting with 01, e.g. +2290100000001",
                param: param)
        }
        value = compact
    }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// `+229 01 00 00 0001` for pages.
    public var formatted: String {
        guard value.hasPrefix("+229"), value.count == 14 else { return value }
        let digits = Array(value.dropFirst(4))
        return "+229 \(String(digits[0..<2])) \(String(digits[2..<4])) \(String(digits[4..<6])) \(String(digits[6..<10]))"
    }

    /// `+229 01 •• •• 0001` for reports, which leave the platform.
    public var masked: String {
        guard value.hasPrefix("+229"), value.count == 14 else { return String(value.prefix(3)) + "•••" + String(value.suffix(2)) }
        return "+22901••••" + value.suffix(4)
    }
}
