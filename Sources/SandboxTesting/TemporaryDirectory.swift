import Foundation

/// A directory under the system temporary folder, removed when the value goes away, so that tests run
/// isolated and side by side.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "sandbox-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes bytes (or text) into the directory and returns the path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: file(name))
        return path(name)
    }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    public func read(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: file(name))) }
}
