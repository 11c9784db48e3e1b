import Foundation
import Testing
@testable import SandboxCore

@Suite("Free ports for tests and benchmarks")
struct PortProbeTests {
    @Test func singlePortsAreFreshFreeAndOutsideTheEphemeralRange() throws {
        let ports = try (0..<50).map { _ in try PortProbe.freePort() }
        #expect(Set(ports).count == ports.count, "never the same port twice")
        let ephemeral = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32_768
        for port in ports {
            #expect((PortProbe.singlePortsStart..<ephemeral).contains(port), "\(port)")
        }
        #expect(ports.filter { PortProbe.isFree(port: $0) }.count >= ports.count - 2, "free when handed out (a parallel test may have bound one since)")
    }

    @Test func wholeSandboxesStayBelowTheSinglePorts() throws {
        let offset = try PortProbe.freeOffset()
        for port in DefaultPort.allCases.map({ $0.rawValue + offset }) {
            #expect(port < PortProbe.singlePortsStart, "\(port)")
        }
    }
}
