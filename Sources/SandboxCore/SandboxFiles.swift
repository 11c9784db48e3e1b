import Foundation

/// File helpers for state that must not be half-written or world-readable.
public enum SandboxFiles {
    public static func ensureDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes to a temporary file in the same directory whose mode is set before any content goes in,
    /// then renames it: a private key never exists, even for a moment, with looser permissions or cut short.
    public static func writeAtomically(_ data: Data, to url: URL, mode: Int) throws {
        let directory = url.deletingLastPathComponent()
        try ensureDirectory(directory)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, mode_t(mode))
        guard descriptor >= 0 else { throw SandboxFileError("cannot create \(temporary.path): \(String(cString: strerror(errno)))") }
        defer { unlink(temporary.path) }
        fchmod(descriptor, mode_t(mode))
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0 else { throw SandboxFileError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
        guard rename(temporary.path, url.path) == 0 else {
            throw SandboxFileError("cannot move \(temporary.path) to \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Whether a directory is absent or has no visible entries.
    public static func isEmptyOrMissing(_ url: URL) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return entries.allSatisfy { $0.hasPrefix(".") }
    }
}

public struct SandboxFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
