import SandboxCore

/// A message stored for later display in either language (a check's finding, an error in plain words).
public struct Bilingual: Sendable, Codable, Equatable {
    public var fr: String
    public var en: String
    public init(fr: String, en: String) {
        self.fr = fr
        self.en = en
    }
    public func callAsFunction(_ language: Language) -> String { language == .fr ? fr : en }
}
