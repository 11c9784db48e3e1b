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
    /// caller binds, so the same port could otherwise be offered twice to tests running in parallel.
    private static let handedOut = Mutex<Set<Int>>([])

    /// Where single ports (``freePort()``) start; whole sandboxes (``freeOffset()``) stay below.
    static let singlePortsStart = 22_000

    /// A port free on loopback right now, never one this process was already given. It is taken between
    /// ``singlePortsStart`` and the kernel's ephemeral range: a port the kernel chose (bind to port 0) can
    /// be given, a moment later, to an outgoing connection as its local port, and the server meant for it
    /// then fails to bind (seen with tests that open many connections in parallel).
    public static func freePort() throws -> Int {
        let ephemeral = ephemeralRangeStart()
        for _ in 0..<200 {
            let port = ephemeral > singlePortsStart + 1_000 ? Int.random(in: singlePortsStart..<ephemeral) : try kernelChosenPort()
            guard isFree(port: port) else { continue }
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw SandboxFileError("no fresh free port found")
    }

    /// A port offset under which every default port is free, for a whole sandbox started as separate
    /// processes (which take `--port-offset`, not individual ports). The ports stay below
    /// ``singlePortsStart``, where ``freePort()`` takes its ports, and below the ephemeral range, where
    /// outgoing connections take theirs: a test in parallel that was just handed a port cannot then find a
    /// child sandbox already bound to it.
    public static func freeOffset() throws -> Int {
        let highest = DefaultPort.allCases.map(\.rawValue).max() ?? 10_000
        let range = 10_000...max(10_001, min(singlePortsStart, ephemeralRangeStart()) - highest - 1)
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
