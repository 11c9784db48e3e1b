import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The sandbox's log lines, in swift-log's `StreamLogHandler` format (`time level label: key=value
/// [source] message`), with the metadata rendered only when a line is written. `StreamLogHandler`
/// renders its whole metadata (sorted, as text) each time a key is set, and every request sets two keys
/// (Hummingbird's request id and the sandbox's) on each server it crosses — an exchange crosses three —
/// while at the default level almost nothing is written.
public struct SandboxLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where finished lines go; standard error by default.
    public init(
        label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        write: @escaping @Sendable (String) -> Void = SandboxLogHandler.standardError
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, provided in provided } }
        if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let rendered = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        write("\(Self.timestamp()) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(rendered) [\(event.source)] \(event.message)\n")
    }

    /// One write per line, under a lock, so that lines from several threads do not interleave. A line
    /// that cannot be written (standard error closed) is dropped rather than ending the process.
    public static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { _ in try? FileHandle.standardError.write(contentsOf: Data(line.utf8)) }
    }
    private static let lock = Mutex(())

    /// Local time, as `StreamLogHandler` prints it: `2026-12-04T23:08:31+0000`.
    static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
