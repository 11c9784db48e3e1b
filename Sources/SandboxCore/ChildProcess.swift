#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started with `posix_spawnp`, for the tests' external oracles (`openssl`, `zbarimg`, `node`)
/// and the benchmarks' child sandboxes.
///
/// Why not Foundation's `Process`: on Linux its `run()` reads `/proc/self/fd` with a 256-byte copy of
/// each `dirent` name and crashes now and then when the copy crosses into an unmapped page
/// (swift-corelibs-foundation PR 5472). A test suite that spawns hundreds of `openssl` commands hits it.
/// This type also starts children with no signal blocked and default dispositions: the threads async
/// code runs on block most signals, and a child inherits that mask, so `openssl speed` (which ends its
/// loops with SIGALRM) would never stop and a child sandbox would ignore SIGTERM.
public final class ChildProcess: Sendable {
    public let pid: pid_t

    /// What a finished program printed and how it ended.
    public struct Result: Sendable, CustomStringConvertible {
        /// The exit status, or 128 + the signal number if a signal ended it (as shells report it).
        public let status: Int32
        public let output: [UInt8]
        public let errors: [UInt8]
        public var outputText: String { String(decoding: output, as: UTF8.self) }
        public var errorText: String { String(decoding: errors, as: UTF8.self) }
        public var description: String { "exit \(status)\nstdout: \(outputText)\nstderr: \(errorText)" }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public let description: String
    }

    private init(pid: pid_t) { self.pid = pid }

    /// Runs `program` (looked up in `PATH` unless it contains a slash) to the end and collects both
    /// streams. Standard input is `/dev/null`.
    public static func run(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> Result {
        let outputPipe = try closeOnExecPipe()
        let errorPipe: [Int32]
        do { errorPipe = try closeOnExecPipe() } catch {
            close(outputPipe[0]); close(outputPipe[1])
            throw error
        }
        let child: ChildProcess
        do {
            child = try spawn(program, arguments, in: directory, stdout: outputPipe[1], stderr: errorPipe[1])
        } catch {
            for fd in outputPipe + errorPipe { close(fd) }
            throw error
        }
        close(outputPipe[1])
        close(errorPipe[1])
        let (output, errors) = drain(outputPipe[0], errorPipe[0])
        close(outputPipe[0])
        close(errorPipe[0])
        return Result(status: child.waitForExit(), output: output, errors: errors)
    }

    /// A pipe (a stream socket pair, since `pipe2` is not visible from Swift) whose ends are closed in
    /// every child, so a program spawned at the same moment by another thread cannot hold our write end
    /// open and delay the end of file we wait for.
    private static func closeOnExecPipe() throws -> [Int32] {
        var ends: [Int32] = [-1, -1]
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &ends) == 0 else {
            throw LaunchError(description: "socketpair failed: \(String(cString: strerror(errno)))")
        }
        return ends
    }

    /// Starts `program`; the caller waits for it or terminates it.
    /// - Parameters:
    ///   - environment: variables added to (or replacing) this process's own.
    ///   - logFile: where both output streams go (created or truncated); discarded when nil.
    public static func start(
        _ program: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], logFile: String? = nil
    ) throws -> ChildProcess {
        try spawn(program, arguments, in: directory, stdout: nil, stderr: nil, environment: environment, logFile: logFile)
    }

    /// Sends SIGTERM.
    public func terminate() { kill(pid, SIGTERM) }

    /// Waits for the program to end and returns its status (128 + signal when a signal ended it).
    @discardableResult
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func spawn(
        _ program: String, _ arguments: [String], in directory: String?, stdout: Int32?, stderr: Int32?,
        environment: [String: String] = [:], logFile: String? = nil
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) } else {
            posix_spawn_file_actions_addopen(&actions, 1, logFile ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) } else if logFile != nil {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGALRM, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // A working directory goes through GNU `env -C`: `posix_spawn_file_actions_addchdir_np` is not
        // visible from Swift either.
        let command = directory.map { ["env", "-C", $0, program] + arguments } ?? [program] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result: Int32
        if environment.isEmpty {
            result = posix_spawnp(&pid, command[0], &actions, &attributes, argv, environ)
        } else {
            var variables: [String] = []
            var index = 0
            while let entry = environ[index] {
                let text = String(cString: entry)
                if let name = text.split(separator: "=", maxSplits: 1).first, environment[String(name)] == nil { variables.append(text) }
                index += 1
            }
            variables += environment.map { "\($0.key)=\($0.value)" }
            let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
            defer { for pointer in envp { free(pointer) } }
            result = posix_spawnp(&pid, command[0], &actions, &attributes, argv, envp)
        }
        guard result == 0 else {
            throw LaunchError(description: "could not start \(program): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Reads two pipes to their end at the same time, so a child that fills one while we wait on the
    /// other cannot deadlock.
    private static func drain(_ first: Int32, _ second: Int32) -> ([UInt8], [UInt8]) {
        var collected: [[UInt8]] = [[], []]
        var descriptors = [pollfd(fd: first, events: Int16(POLLIN), revents: 0), pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while descriptors.contains(where: { $0.fd >= 0 }) {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[index].append(contentsOf: buffer[0..<count])
                } else if count == 0 || errno != EINTR {
                    descriptors[index].fd = -1  // poll ignores negative descriptors
                }
            }
        }
        return (collected[0], collected[1])
    }
}
