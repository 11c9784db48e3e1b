import Foundation

/// Reading the JSON answers of the demo's calls by path (`fee.paid`, `checks[0].outcome`), without a
/// Codable mirror of every API: the demo is a client like any other and reads only what it checks.
struct DemoJSON {
    let value: Any?

    init(_ bytes: [UInt8]) {
        value = try? JSONSerialization.jsonObject(with: Data(bytes))
    }

    private init(value: Any?) { self.value = value }

    subscript(_ path: String) -> DemoJSON {
        var current: Any? = value
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var index: Int?
            if let open = part.firstIndex(of: "["), part.hasSuffix("]") {
                name = part[..<open]
                index = Int(part[part.index(after: open)..<part.index(before: part.endIndex)])
            }
            if !name.isEmpty { current = (current as? [String: Any])?[String(name)] }
            if let index { current = (current as? [Any]).flatMap { $0.indices.contains(index) ? $0[index] : nil } }
        }
        return DemoJSON(value: current)
    }

    var string: String? { value as? String }
    var bool: Bool? { value as? Bool }
    var array: [DemoJSON] { ((value as? [Any]) ?? []).map { DemoJSON(value: $0) } }
}
