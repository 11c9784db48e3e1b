import Yams

/// YAML (or JSON) from outside, turned into Swift values only if that stays a bounded amount of work.
///
/// A YAML alias repeats an anchored node without copying it, so a few hundred bytes of nested aliases (the
/// YAML form of XML's "billion laughs") describe billions of values: parsing is cheap, but turning the
/// document into dictionaries and arrays (or decoding it) visits every repetition and never ends. A service
/// description's URL can point anywhere and a topology file passes through many hands, so the document is
/// parsed to its node tree first and the values it would become are counted, stopping at the budget,
/// before any is built.
enum BoundedYAML {
    /// Far more than any real OpenAPI document of ``ServiceDescriptionLoader/maximumDocumentSize``
    /// (4 MiB of JSON is under a million values), far less than what exhausts memory.
    static let maximumValues = 2_000_000

    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String {
            "its aliases (*name) expand to more than \(limit) values: a YAML alias bomb, or a document to write without nested aliases"
        }
    }

    /// The document's root as Swift values (`[String: Any]`, `[Any]`, scalars), nil for an empty document.
    static func load(_ text: String, maximumValues: Int = maximumValues) throws -> Any? {
        guard let root = try Yams.compose(yaml: text) else { return nil }
        guard expandedCount(of: root, limit: maximumValues) <= maximumValues else { throw TooLarge(limit: maximumValues) }
        return Constructor.default.any(from: root)
    }

    /// How many values `node` becomes with every alias expanded, counted only up to just past `limit`, so
    /// that counting a bomb costs no more than the budget.
    static func expandedCount(of node: Node, limit: Int) -> Int {
        var count = 0
        var pending = [node]
        while let next = pending.popLast() {
            count += 1
            if count > limit { return count }
            switch next {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    pending.append(key)
                    pending.append(value)
                }
            case .sequence(let sequence): pending.append(contentsOf: sequence)
            case .scalar, .alias: break
            }
        }
        return count
    }
}
