import Synchronization

/// Identifiers already parsed, by their exact text.
///
/// Every exchange parses the same few identifiers again (the client subsystem from `X-Road-Client`, the
/// service from the path, both once more on the provider's side), and parsing percent-decodes each part.
/// A lookup by text is a hash of a short string. The table is emptied when it reaches ``limit``, so that
/// a stream of distinct (or hostile) identifiers costs memory for a moment, never for good; only texts
/// that parsed are kept, so an error is always produced afresh, with its own message.
final class ParsedIdentifiers<Value: Sendable>: Sendable {
    static var limit: Int { 1_024 }
    private let entries = Mutex<[String: Value]>([:])

    func value(of text: String, parse: (String) throws(XRoadIdentifierError) -> Value) throws(XRoadIdentifierError) -> Value {
        if let known = entries.withLock({ $0[text] }) { return known }
        let value = try parse(text)
        entries.withLock { entries in
            if entries.count >= Self.limit { entries.removeAll(keepingCapacity: true) }
            entries[text] = value
        }
        return value
    }

    var count: Int { entries.withLock { $0.count } }
}
