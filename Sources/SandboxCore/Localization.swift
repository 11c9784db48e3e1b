import Foundation
import Hummingbird

/// Languages of the pages people read: French first, English on request.
public enum Language: String, Sendable, Codable {
    case fr
    case en

    /// `?lang=` wins, then the best `Accept-Language` entry we speak, then French.
    public static func negotiate(query: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(rawValue: query.lowercased()) { return language }
        guard let acceptLanguage else { return .fr }
        let ranked = acceptLanguage.split(separator: ",").compactMap { entry -> (Language, Double)? in
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased().split(separator: "-").first, let language = Language(rawValue: String(tag)) else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality)
        }
        return ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0 ?? .fr
    }
}

extension Request {
    /// The language to answer this request in.
    public var language: Language {
        Language.negotiate(query: uri.queryParameters.get("lang"), acceptLanguage: headers[.acceptLanguage])
    }
}

/// A text in both languages.
public struct LocalizedText: Sendable {
    public let fr: String
    public let en: String
    public init(fr: String, en: String) {
        self.fr = fr
        self.en = en
    }
    public func callAsFunction(_ language: Language) -> String { language == .fr ? fr : en }
}

extension String {
    /// Escaped for HTML text and attribute values.
    public var htmlEscaped: String {
        // Byte by byte (the five characters are ASCII, and UTF-8 never uses ASCII bytes inside other
        // characters), not Character by Character: ASiC manifests escape on every exchange.
        let special: (UInt8) -> Bool = { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        guard utf8.contains(where: special) else { return self }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x26: output += Array("&amp;".utf8)
            case 0x3C: output += Array("&lt;".utf8)
            case 0x3E: output += Array("&gt;".utf8)
            case 0x22: output += Array("&quot;".utf8)
            case 0x27: output += Array("&#39;".utf8)
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
