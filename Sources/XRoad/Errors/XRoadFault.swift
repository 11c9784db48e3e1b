import Foundation
import SandboxCore

/// An error a security server answers with, as X-Road does: a code, a message, and a `detail` UUID that
/// would correlate with the proxy log. The sandbox adds an explanation that never goes into the body (it
/// travels in `X-Sandbox-Explain`), so that code written against the sandbox sees what a real server sends.
public struct XRoadFault: Error, Sendable, CustomStringConvertible {
    public let code: XRoadErrorCode
    public let message: String
    public let detail: String
    public let explanation: Explanation

    public init(_ code: XRoadErrorCode, _ message: String, explain explanation: Explanation, detail: String = Identifier.uuid()) {
        self.code = code
        self.message = message
        self.explanation = explanation
        self.detail = detail
    }

    public var description: String { "\(code.spelled(.legacy)): \(message)" }

    /// What happened and how to fix it, in French and English.
    public struct Explanation: Sendable {
        public let french: String
        public let english: String

        public init(french: String, english: String) {
            self.french = french
            self.english = english
        }

        public func text(for language: SandboxCore.Language) -> String { language == .fr ? french : english }
    }
}
