import Foundation
import SandboxCore
import Testing

@Suite("Clock")
struct ClockTests {
    @Test func virtualClockFreezesAdvancesShiftsAndResets() {
        let clock = VirtualClock()
        let frozen = Date(timeIntervalSince1970: 1_800_000_000)
        clock.set(frozen)
        #expect(clock.now() == frozen)
        clock.advance(by: 3600)
        #expect(clock.now() == frozen.addingTimeInterval(3600))
        #expect(clock.snapshot.mode == "frozen")
        clock.setOffset(-86_400)
        #expect(abs(clock.now().timeIntervalSinceNow + 86_400) < 5)
        #expect(clock.snapshot.mode == "real")
        clock.advance(by: 86_400)
        #expect(abs(clock.now().timeIntervalSinceNow) < 5)
        clock.reset()
        #expect(clock.snapshot.offsetSeconds == 0)
    }
}

@Suite("Identifiers")
struct IdentifierTests {
    @Test func randomIdentifiersUseCrockfordAndDoNotRepeat() {
        let ids = (0..<1000).map { _ in Identifier.random(prefix: "doc") }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            #expect(id.hasPrefix("doc_"))
            #expect(id.count == 4 + 26)  // 128 bits → 26 base32 characters
            #expect(id.dropFirst(4).allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        }
    }

    /// Draws that straddle refills of the 4 KiB pool, from many tasks at once: each one is fresh (no
    /// 16-byte draw repeats) and the bytes are not stuck (every value of a byte shows up).
    @Test func randomBytesAreFreshAcrossRefillsAndThreads() async {
        let draws = await withTaskGroup(of: [[UInt8]].self) { group in
            for _ in 0..<8 { group.addTask { (0..<1_000).map { _ in RandomBytes.take(16) } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(draws.count == 8_000)
        #expect(draws.allSatisfy { $0.count == 16 })
        #expect(Set(draws).count == 8_000)
        #expect(Set(draws.joined()).count == 256)
        #expect(RandomBytes.take(0).isEmpty)
        #expect(RandomBytes.take(4096).count == 4096)
    }

    /// The table keeps what it is given until it holds its limit, then starts again: it never grows past it.
    @Test func aBoundedMemoNeverOutgrowsItsLimit() {
        let memo = BoundedMemo<String, Int>(limit: 10)
        memo.remember(7, for: "seven")
        #expect(memo.value(for: "seven") == 7)
        #expect(memo.value(for: "eight") == nil)
        for index in 0..<34 {
            memo.remember(index, for: "key-\(index)")
            #expect(memo.count <= 10)
            #expect(memo.value(for: "key-\(index)") == index)
        }
        #expect(memo.count == 5, "35 entries: emptied before the 11th, 21st and 31st")
        #expect(memo.value(for: "seven") == nil)
    }

    @Test func uuidsAreVersion4() {
        let uuids = (0..<500).map { _ in Identifier.uuid() }
        #expect(Set(uuids).count == 500)
        for uuid in uuids {
            let parts = uuid.split(separator: "-")
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
            #expect(parts[2].first == "4")
            #expect(parts[3].first.map { "89ab".contains($0) } == true)
        }
    }

    @Test func crockfordKnownVector() {
        #expect(Crockford32.encode([0xFF]) == "ZW")
        #expect(Crockford32.encode([0, 0, 0, 0, 0]) == "00000000")
    }

    @Test func safeIdentifiers() {
        #expect(Identifier.isSafe("req_ABC-1.2:3"))
        #expect(!Identifier.isSafe(""))
        #expect(!Identifier.isSafe("a b"))
        #expect(!Identifier.isSafe("../etc"))
        #expect(!Identifier.isSafe("é"))
        #expect(!Identifier.isSafe(String(repeating: "a", count: 129)))
    }

    @Test func hexDecoding() {
        #expect(Hex.decode("0xAB:cd") == [0xAB, 0xCD])
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.encode([0x0A, 0xFF]) == "0AFF")
    }
}

@Suite("Block URLs from the environment")
struct BlockURLTests {
    @Test func internalAndPublicURLsComeFromTheEnvironment() throws {
        var configuration = SandboxConfiguration(portOffset: 100)
        #expect(configuration.baseURL(.pki) == "http://localhost:8190")
        #expect(configuration.baseURL(.securityServerASINServer) == "https://localhost:5601")
        try configuration.apply(environment: [
            "SANDBOX_URL_PKI": "http://pki:8090/", "SANDBOX_PUBLIC_URL_PKI": "https://pki.example.bj",
            "SANDBOX_URL_SS_ASIN_SERVER": "https://ss-asin:5501", "SANDBOX_PUBLIC_HOST": "192.168.1.20", "UNRELATED": "x",
        ])
        #expect(configuration.baseURL(.pki) == "http://pki:8090")
        #expect(configuration.publicURL(.pki) == "https://pki.example.bj")
        #expect(configuration.baseURL(.securityServerASINServer) == "https://ss-asin:5501")
        #expect(configuration.baseURL(.pnpe) == "http://192.168.1.20:8186")
        #expect(configuration.publicURL(.pnpe) == configuration.baseURL(.pnpe))
    }

    @Test(arguments: [
        ("SANDBOX_URL_PKI", "pki:8090"), ("SANDBOX_URL_PKI", "ftp://pki:8090"), ("SANDBOX_URL_PKI", "http://pki:8090/pki/v1"),
        ("SANDBOX_URL_PKI", "http://user@pki:8090"), ("SANDBOX_URL_SS_ASIN_SERVER", "http://ss-asin:5501"), ("SANDBOX_PUBLIC_HOST", "a b"),
        ("SANDBOX_PUBLIC_URL_PNPE", "http://pnpe:8086?x=1"),
    ])
    func badValuesAreRefusedByName(variable: String, value: String) throws {
        var configuration = SandboxConfiguration()
        let error = try #require(throws: SandboxFileError.self) { try configuration.apply(environment: [variable: value]) }
        #expect(error.description.hasPrefix(variable))
    }
}
