import COpenSSL
import Foundation

/// An OpenSSL failure, with the reasons drained from OpenSSL's per-thread error queue, so that the message a
/// user sees says what OpenSSL actually objected to ("no start line", "wrong tag") instead of a bare code.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    /// What we were doing, in plain words ("parse certificate").
    public let operation: String
    /// OpenSSL's own error strings, oldest first.
    public let reasons: [String]

    public init(_ operation: String, reasons: [String] = []) {
        self.operation = operation
        self.reasons = reasons
    }

    public var description: String {
        reasons.isEmpty ? operation : "\(operation): \(reasons.joined(separator: "; "))"
    }

    /// Builds an error from whatever OpenSSL queued on this thread, and empties the queue.
    static func fromQueue(_ operation: String) -> CryptoError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return CryptoError(operation, reasons: reasons)
    }
}

/// Clears this thread's OpenSSL error queue, so that a later failure reports only its own reasons.
@inline(__always) func clearOpenSSLErrors() { ERR_clear_error() }

/// Throws a ``CryptoError`` when an OpenSSL call returned something other than 1.
@inline(__always) func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
    if result != 1 { throw CryptoError.fromQueue(operation()) }
}

/// Unwraps a pointer returned by OpenSSL, or throws a ``CryptoError`` naming the operation.
@inline(__always) func require<T>(_ pointer: T?, _ operation: @autoclosure () -> String) throws -> T {
    guard let pointer else { throw CryptoError.fromQueue(operation()) }
    return pointer
}
