import HTTPTypes
import Foundation
import SandboxCore

/// Both a ``Database`` and an open ``Transaction`` run statements; code that may run inside a transaction
/// takes this, because calling the database itself from inside one would wait on its own lock.
protocol SQLRunner {
    func execute(_ sql: String, _ bindings: [SQLValue]) throws
    func query(_ sql: String, _ bindings: [SQLValue]) throws -> [Row]
}

extension Database: SQLRunner {}
extension Transaction: SQLRunner {}

extension SQLRunner {
    func queryOne(_ sql: String, _ bindings: [SQLValue]) throws -> Row? { try query(sql, bindings).first }
}

/// The JSON coding of stored bodies and webhook payloads: compact, sorted keys, RFC 3339 dates.
enum PNPEJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }
}

extension Date {
    /// Milliseconds since 1970, the unit of every time column.
    /// Saturated at the ends of Int64 rather than trapping: inputs are bounded before they get here, this
    /// is the last guard.
    var milliseconds: Int64 {
        let value = (timeIntervalSince1970 * 1000).rounded(.down)
        guard value.isFinite else { return value > 0 ? .max : .min }
        return value >= 9.2e18 ? .max : value <= -9.2e18 ? .min : Int64(value)
    }
    init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
    /// Whole seconds: stored and returned times have no fractions, so a value read back equals the one written.
    var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
