import Foundation

/// Files named on the command line. A missing or unreadable file is a one-line error that names the file
/// and the option it came from, not a Foundation error dump.
enum InputFile {
    static func read(_ path: String, what: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("\(what) \(path): no such file")
        }
        guard !isDirectory.boolValue else { throw CLIError("\(what) \(path) is a directory, not a file") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CLIError("\(what) \(path) cannot be read (\(error.localizedDescription))")
        }
    }
}
