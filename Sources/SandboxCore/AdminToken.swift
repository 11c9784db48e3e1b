import Foundation

/// The bearer token that guards admin routes. `SANDBOX_ADMIN_TOKEN` wins (CI sets it); otherwise one is
/// generated on first start and kept in `<data-dir>/admin-token` (mode 0600), so it survives restarts.
public struct AdminToken: Sendable {
    public let value: String

    public init(value: String) { self.value = value }

    public static func loadOrCreate(
        dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AdminToken {
        if let fromEnvironment = environment["SANDBOX_ADMIN_TOKEN"], !fromEnvironment.isEmpty {
            guard fromEnvironment.count >= 16, Identifier.isSafe(fromEnvironment, maxLength: 256) else {
                throw SandboxFileError("SANDBOX_ADMIN_TOKEN must be at least 16 characters of letters, digits, '.', '_', ':' or '-'")
            }
            return AdminToken(value: fromEnvironment)
        }
        let file = dataDirectory.appendingPathComponent("admin-token")
        if let stored = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty {
            return AdminToken(value: stored)
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let value = "sbx_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try SandboxFiles.ensureDirectory(dataDirectory)
        try SandboxFiles.writeAtomically(Data((value + "\n").utf8), to: file, mode: 0o600)
        return AdminToken(value: value)
    }

    /// Constant-time comparison, so the token cannot be guessed byte by byte from response times.
    public func matches(_ candidate: String) -> Bool {
        let expected = Array(value.utf8)
        let given = Array(candidate.utf8)
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in 0..<expected.count { difference |= expected[index] ^ (index < given.count ? given[index] : 0) }
        return difference == 0
    }
}
