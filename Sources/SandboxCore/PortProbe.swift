import Foundation
import Synchronization

/// Port checks on the local machine: to say "port 4000 is taken" in plain words before a server fails to
/// bind, and to give tests and benchmarks free ports.
public enum PortProbe {
    /// Whether `port` can be bound on `host` right now.
    public static func isFree(host: String = "127.0.0.1", port: Int) -> Bool {
        (try? withBoundSocket(host: host, port: port) { _ in () }) != nil
    }

    /// Ports already handed out by ``freePort()`` in this process. The probe socket is closed before the
    /// caller binds, so the kernel may offer the same port again to a test running in parallel.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port the kernel considers free on loopback (bind to port 0, read what was chosen), never one this
    /// process was already given.
    public static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = try kernelChosenPort()
            let fresh = handedOut.withLock { $0.insert(port).inserted }
            if fresh { return port }
        }
        throw SandboxFileError("no fresh free port found")
    }

    /// A port offset under which every default port is free, for a whole sandbox started as separate
    /// processes (which take `--port-offset`, not individual ports). The ports stay below the kernel's
    /// ephemeral range, where ``freePort()`` and outgoing connections take theirs: a test in parallel
    /// that was just handed a port cannot then find a child sandbox already bound to it.
    public static func freeOffset() throws -> Int {
        let highest = DefaultPort.allCases.map(\.rawValue).max() ?? 10_000
        let range = 10_000...max(10_001, ephemeralRangeStart() - highest - 1)
        for _ in 0..<50 {
            let offset = Int.random(in: range)
            if DefaultPort.allCases.allSatisfy({ isFree(port: $0.rawValue + offset) }) { return offset }
        }
        throw SandboxFileError("no port offset found with every sandbox port free")
    }

    /// The first port of Linux's ephemeral range (32768 unless configured otherwise).
    private static func ephemeralRangeStart() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
            let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap({ Int($0) })
        else { return 32_768 }
        return first
    }

    private static func kernelChosenPort() throws -> Int {
        try withBoundSocket(host: "127.0.0.1", port: 0) { descriptor in
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard named == 0 else { throw SandboxFileError("getsockname failed: \(String(cString: strerror(errno)))") }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }

    private static func withBoundSocket<T>(host: String, port: Int, _ body: (Int32) throws -> T) throws -> T {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SandboxFileError("socket failed: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw SandboxFileError("port \(port) is in use") }
        return try body(descriptor)
    }
}
