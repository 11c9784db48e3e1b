import Foundation
import SandboxCore

/// Runs the `openssl` command line: the external oracle for every certificate, CRL, OCSP answer and
/// timestamp the sandbox produces. If OpenSSL's own tool accepts it, so will the rest of the world.
public enum OpenSSLCommand {
    public struct Result: Sendable, CustomStringConvertible {
        public let status: Int32
        public let output: String
        public let errors: String
        /// Standard output and error together, for assertions on messages OpenSSL prints to either.
        public var all: String { output + errors }
        public var description: String { "exit \(status)\nstdout: \(output)\nstderr: \(errors)" }
    }

    /// `openssl <arguments>` in `directory`, with an empty config so the machine's openssl.cnf cannot
    /// change the outcome.
    public static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let result = try ChildProcess.run("openssl", arguments, in: directory?.path)
        return Result(status: result.status, output: result.outputText, errors: result.errorText)
    }
}
