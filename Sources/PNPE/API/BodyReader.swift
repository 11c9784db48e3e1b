import HTTPTypes
import Foundation

/// Reads the members of a JSON object request body with strict types, refusing members it does not
/// know, so that a typo (`ammount`) is a 400 naming the field rather than a silently ignored value.
struct BodyReader {
    let members: [String: JSONValue]
    /// The path of this object in the body, for nested objects (`customer.msisdn`).
    let prefix: String

    /// Parses `bytes` as a JSON object; an empty body counts as `{}`.
    init(bytes: [UInt8], allowed: Set<String>) throws {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            self.init(members: [:], prefix: "")
            return
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as JSONSyntaxError {
            throw PNPEError(.badRequest, code: "invalid_json", message: "the body is not valid JSON: \(error.description)", param: "body")
        }
        guard case .object(let members) = value else {
            throw PNPEError(.badRequest, code: "invalid_json", message: "the body must be a JSON object, not \(value.kind)", param: "body")
        }
        try self.init(object: members, prefix: "", allowed: allowed)
    }

    init(object: [String: JSONValue], prefix: String, allowed: Set<String>) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw PNPEError(
                .badRequest, code: "parameter_unknown",
                message: "unknown parameter \(prefix)\(unknown.prefix(60)); accepted: \(allowed.sorted().joined(separator: ", "))",
                param: prefix + String(unknown.prefix(60)))
        }
        self.init(members: object, prefix: prefix)
    }

    private init(members: [String: JSONValue], prefix: String) {
        self.members = members
        self.prefix = prefix
    }

    private func name(_ key: String) -> String { prefix + key }

    /// The value, or nil when absent or null.
    private func present(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { present(key) != nil }

    func string(_ key: String, maxLength: Int = 500) throws -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw PNPEError.invalid(name(key), "must be a string, not \(value.kind)") }
        guard text.count <= maxLength else { throw PNPEError.invalid(name(key), "must be at most \(maxLength) characters") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw PNPEError.invalid(name(key), "must not contain control characters")
        }
        return text
    }

    func requiredString(_ key: String, maxLength: Int = 500) throws -> String {
        guard let text = try string(key, maxLength: maxLength) else { throw PNPEError.missing(name(key)) }
        return text
    }

    /// An integer written as such: `25000`, never `"25000"` or `25000.0`.
    func integer(_ key: String, in range: ClosedRange<Int64>? = nil, code: String = "parameter_invalid") throws -> Int64? {
        guard let value = present(key) else { return nil }
        guard case .integer(let number) = value else {
            throw PNPEError.invalid(name(key), "must be an integer (a JSON number without quotes or decimals), not \(value.kind)", code: code)
        }
        if let range, !range.contains(number) {
            throw PNPEError.invalid(name(key), "must be between \(range.lowerBound) and \(range.upperBound)", code: code)
        }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = present(key) else { return nil }
        guard case .bool(let flag) = value else { throw PNPEError.invalid(name(key), "must be true or false, not \(value.kind)") }
        return flag
    }

    func strings(_ key: String, maxCount: Int = 20, maxLength: Int = 100) throws -> [String]? {
        guard let value = present(key) else { return nil }
        guard case .array(let elements) = value else { throw PNPEError.invalid(name(key), "must be an array of strings, not \(value.kind)") }
        guard elements.count <= maxCount else { throw PNPEError.invalid(name(key), "must have at most \(maxCount) elements") }
        return try elements.enumerated().map { index, element in
            guard case .string(let text) = element, text.count <= maxLength else {
                throw PNPEError.invalid("\(name(key))[\(index)]", "must be a string of at most \(maxLength) characters")
            }
            return text
        }
    }

    func object(_ key: String, allowed: Set<String>) throws -> BodyReader? {
        guard let value = present(key) else { return nil }
        guard case .object(let members) = value else { throw PNPEError.invalid(name(key), "must be an object, not \(value.kind)") }
        return try BodyReader(object: members, prefix: name(key) + ".", allowed: allowed)
    }

    /// `metadata`: at most 20 string keys of up to 40 characters, string values of up to 500.
    func metadata(_ key: String) throws -> [String: String]? {
        guard let value = present(key) else { return nil }
        guard case .object(let members) = value else { throw PNPEError.invalid(name(key), "must be an object of strings, not \(value.kind)") }
        guard members.count <= 20 else { throw PNPEError.invalid(name(key), "must have at most 20 keys") }
        var result: [String: String] = [:]
        for (member, entry) in members {
            guard !member.isEmpty, member.count <= 40 else { throw PNPEError.invalid(name(key), "keys must be 1 to 40 characters") }
            guard case .string(let text) = entry, text.count <= 500 else {
                throw PNPEError.invalid("\(name(key)).\(member.prefix(40))", "must be a string of at most 500 characters")
            }
            result[member] = text
        }
        return result
    }
}
