#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Random bytes from the operating system's generator, drawn 4 KiB at a time.
///
/// The standard library's `SystemRandomNumberGenerator` makes one `getrandom` call per 8 bytes. An X-Road
/// exchange needs several fresh ids (the message id, a request id at each server it crosses), so those
/// calls were a system call every few microseconds. The bytes are the same quality, the kernel's CSPRNG;
/// they only wait in memory until used, and each byte is handed out once.
public enum RandomBytes {
    static let refillSize = 4096
    private static let pool = Mutex<(bytes: [UInt8], next: Int)>(([], 0))

    /// `count` fresh random bytes.
    public static func take(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= refillSize, "draw at most \(refillSize) bytes at a time")
        return pool.withLock { pool in
            if pool.bytes.count - pool.next < count {
                pool.bytes = systemBytes(refillSize)
                pool.next = 0
            }
            defer { pool.next += count }
            return Array(pool.bytes[pool.next..<pool.next + count])
        }
    }

    /// Fills a buffer from the kernel in one read of `/dev/urandom` (on Linux the same generator as
    /// `getrandom`, which Swift's Glibc module does not expose), or from the standard library's generator
    /// if the device cannot be read.
    static func systemBytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            #if canImport(Glibc)
            var filled = 0
            while filled < count, let device = urandom {
                let got = read(device, buffer.baseAddress! + filled, count - filled)
                if got > 0 {
                    filled += got
                } else if got < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            var generator = SystemRandomNumberGenerator()
            while filled < count {
                buffer[filled] = generator.next()
                filled += 1
            }
            #else
            arc4random_buf(buffer.baseAddress!, count)
            #endif
            initialized = count
        }
    }

    #if canImport(Glibc)
    /// Opened once, for the life of the process.
    private static let urandom: Int32? = {
        let device = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        return device >= 0 ? device : nil
    }()
    #endif
}
