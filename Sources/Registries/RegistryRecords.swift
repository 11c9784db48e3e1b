import Foundation
import SandboxCore

/// One registry's records as they are in `Fixtures/registries/*.json`, kept as JSON objects (so the file's
/// fields reach callers as written), indexed by their identifier.
public struct RegistryRecords: Sendable {
    /// A record: its JSON text, ready to send, and the few fields the registry searches on.
    public struct Record: Sendable {
        public let key: String
        public let json: String
        public let searchText: String
        /// The object, for renderings other than JSON (SOAP).
        let object: JSONValue
    }

    public let notice: String
    public let records: [Record]
    private let index: [String: Int]

    /// - Parameters:
    ///   - collection: the array's key in the file (`companies`, `persons`, `taxpayers`).
    ///   - key: the identifier field (`rccm`, `npi`, `ifu`).
    ///   - searchField: a field searched by substring (`name`), if any.
    public init(contentsOf url: URL, collection: String, key: String, searchField: String? = nil) throws(RegistryError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RegistryError("\(url.path) cannot be read: \(error.localizedDescription)")
        }
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let fields) = root else {
            throw RegistryError("\(url.lastPathComponent) is not a JSON object")
        }
        guard case .array(let items)? = fields[collection] else { throw RegistryError("\(url.lastPathComponent) has no \"\(collection)\" array") }
        var records: [Record] = []
        var index: [String: Int] = [:]
        for (position, item) in items.enumerated() {
            guard case .object(let object) = item, case .string(let identifier)? = object[key] else {
                throw RegistryError("\(url.lastPathComponent): \(collection)[\(position)] has no string \"\(key)\"")
            }
            guard index[identifier] == nil else { throw RegistryError("\(url.lastPathComponent): \(key) \(identifier) appears twice") }
            var search = ""
            if let searchField, case .string(let text)? = object[searchField] { search = Self.folded(text) }
            index[identifier] = records.count
            records.append(Record(key: identifier, json: item.jsonText, searchText: search, object: item))
        }
        if case .string(let notice)? = fields["notice"] { self.notice = notice } else { self.notice = "Illustrative data." }
        self.records = records
        self.index = index
    }

    public func record(_ key: String) -> Record? { index[key].map { records[$0] } }

    /// Records whose search field contains `text`, ignoring case and accents; at most `limit`.
    public func search(_ text: String, limit: Int = 20) -> [Record] {
        let needle = Self.folded(text)
        guard !needle.isEmpty else { return [] }
        return Array(records.lazy.filter { $0.searchText.contains(needle) }.prefix(limit))
    }

    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
    }
}

public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// JSON as a value, to keep fixture records as they are written.
indirect enum JSONValue: Sendable, Decodable {
    case string(String)
    case number(Double)
    case integer(Int64)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Compact JSON with sorted keys.
    var jsonText: String {
        switch self {
        case .string(let text): JSONText.quote(text)
        case .number(let value): String(value)
        case .integer(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .array(let items): "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let fields): "{" + fields.sorted { $0.key < $1.key }.map { JSONText.quote($0.key) + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        }
    }
}
