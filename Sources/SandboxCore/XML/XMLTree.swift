import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small XML element tree, for the SOAP messages the sandbox reads and writes. Parsing is hostile-input
/// safe: no DTDs (so no external entities and no entity expansion bombs), bounded depth and size.
public final class XMLTreeNode: @unchecked Sendable, CustomStringConvertible {
    /// Local name, without prefix.
    public let name: String
    /// Namespace URI, or nil.
    public let namespace: String?
    /// The prefix used in the source, kept so that echoed headers look like what was sent.
    public let prefix: String?
    public internal(set) var attributes: [(name: String, value: String)]
    public internal(set) var children: [XMLTreeNode] = []
    public internal(set) var text: String = ""

    public init(name: String, namespace: String?, prefix: String?, attributes: [(name: String, value: String)] = []) {
        self.name = name
        self.namespace = namespace
        self.prefix = prefix
        self.attributes = attributes
    }

    public func child(_ name: String, namespace: String? = nil) -> XMLTreeNode? {
        children.first { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// The element's text with surrounding white space removed.
    public var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    public var description: String { serialized() }

    /// XML text of this element and its children, each element carrying the namespace declaration of its
    /// prefix where the parent did not already declare it.
    public func serialized(declared: [String: String] = [:]) -> String {
        var declared = declared
        let qualified = prefix.map { "\($0):\(name)" } ?? name
        var out = "<\(qualified)"
        let key = prefix ?? ""
        if let namespace, declared[key] != namespace {
            out += prefix.map { " xmlns:\($0)=\"\(namespace.htmlEscaped)\"" } ?? " xmlns=\"\(namespace.htmlEscaped)\""
            declared[key] = namespace
        }
        for attribute in attributes { out += " \(attribute.name)=\"\(attribute.value.htmlEscaped)\"" }
        if children.isEmpty && text.isEmpty { return out + "/>" }
        out += ">" + text.htmlEscaped
        for child in children { out += child.serialized(declared: declared) }
        return out + "</\(qualified)>"
    }
}

public struct XMLTreeError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Parses XML into an ``XMLTreeNode`` tree.
public enum XMLTree {
    public static let maximumDepth = 64
    public static let maximumBytes = 16 * 1024 * 1024

    public static func parse(_ bytes: [UInt8]) throws(XMLTreeError) -> XMLTreeNode {
        guard bytes.count <= maximumBytes else { throw XMLTreeError(description: "the XML document exceeds \(maximumBytes) bytes") }
        // UTF-8 only, as X-Road's messages are: in UTF-16 the DTD check below would read past a DOCTYPE.
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.prefix(4).contains(0) {
            throw XMLTreeError(description: "the XML document is not UTF-8 (a UTF-16 byte order mark or NUL bytes); send it in UTF-8")
        }
        // A DTD is how entity tricks (external entities, billion laughs) get in; SOAP forbids DTDs anyway.
        if ByteSearch.firstIndex(of: Array("<!DOCTYPE".utf8), in: bytes) != nil || ByteSearch.firstIndex(of: Array("<!ENTITY".utf8), in: bytes) != nil {
            throw XMLTreeError(description: "the XML document contains a DTD (<!DOCTYPE or <!ENTITY), which SOAP messages may not have")
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        if let problem = builder.problem { throw XMLTreeError(description: problem) }
        guard ok, let root = builder.root else {
            throw XMLTreeError(description: "not well-formed XML (\(parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error") at line \(parser.lineNumber))")
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLTreeNode] = []
        var root: XMLTreeNode?
        var problem: String?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            guard stack.count < XMLTree.maximumDepth else {
                problem = "the XML document nests deeper than \(XMLTree.maximumDepth) levels"
                parser.abortParsing()
                return
            }
            // Up to the first colon; libxml2 lets names such as ":" through, whose prefix is empty (no prefix).
            let prefix = qualifiedName.flatMap { name in name.firstIndex(of: ":").map { String(name[..<$0]) } }.flatMap { $0.isEmpty ? nil : $0 }
            let element = XMLTreeNode(
                name: elementName, namespace: namespaceURI?.isEmpty == true ? nil : namespaceURI, prefix: prefix,
                attributes: attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            stack.last?.children.append(element)
            if stack.isEmpty { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }
    }
}
