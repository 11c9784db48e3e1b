import Foundation
import SandboxCore
import Yams

/// `docker/compose.yaml` read as the distributed test needs it: each service's command and environment,
/// with container addresses turned into loopback ones, so that processes on one machine get exactly the
/// wiring the containers get.
struct ComposeFile {
    struct Service {
        let name: String
        var arguments: [String]
        var environment: [String: String]
        let dependsOn: [String]
        /// The URL its health check asks (`SANDBOX_HEALTH_URL`).
        var healthURL: String?
    }

    let services: [String: Service]

    init(contentsOf url: URL) throws {
        guard let root = try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any],
            let services = root["services"] as? [String: [String: Any]]
        else { throw TestFailure("\(url.path) has no services") }
        var parsed: [String: Service] = [:]
        for (name, body) in services {
            let environment = (body["environment"] as? [String: Any] ?? [:]).mapValues { Self.substituteDefaults("\($0)") }
            let dependsOn = (body["depends_on"] as? [String: Any]).map { Array($0.keys) } ?? []
            parsed[name] = Service(
                name: name, arguments: body["command"] as? [String] ?? [], environment: environment, dependsOn: dependsOn.sorted(),
                healthURL: environment["SANDBOX_HEALTH_URL"])
        }
        self.services = parsed
    }

    /// `${NAME:-default}` → `default`, as Compose does when the variable is not set.
    static func substituteDefaults(_ value: String) -> String {
        var output = value
        while let start = output.range(of: "${"), let end = output.range(of: "}", range: start.upperBound..<output.endIndex) {
            let inside = output[start.upperBound..<end.lowerBound]
            let fallback = inside.range(of: ":-").map { String(inside[$0.upperBound...]) } ?? ""
            output.replaceSubrange(start.lowerBound..<end.upperBound, with: fallback)
        }
        return output
    }

    /// The service as a local process: every URL's host that names a service (or `localhost`) becomes
    /// 127.0.0.1, every port is shifted by `offset` (the processes get `--port-offset`), and the
    /// container paths become directories of `root`.
    func local(_ name: String, offset: Int, root: URL) throws -> Service {
        guard var service = services[name] else { throw TestFailure("compose.yaml has no service \(name)") }
        func localURL(_ value: String) -> String {
            guard var components = URLComponents(string: value), let host = components.host, let port = components.port,
                services[host] != nil || host == "localhost"
            else { return value }
            components.host = "127.0.0.1"
            components.port = port + offset
            return components.string ?? value
        }
        service.environment = service.environment.mapValues(localURL)
        service.healthURL = service.healthURL.map(localURL)
        service.arguments = service.arguments.map { argument in
            switch argument {
            case "/sandbox/data": root.appendingPathComponent("data-\(name)").path
            case "/sandbox/certs": root.appendingPathComponent("certs").path
            case "0.0.0.0": "127.0.0.1"
            default: argument
            }
        } + ["--port-offset", "\(offset)", "--fixtures-dir", FileManager.default.currentDirectoryPath + "/Fixtures"]
        return service
    }

    /// Services in an order where each comes after what it depends on.
    var startOrder: [String] {
        var ordered: [String] = []
        func visit(_ name: String) {
            guard !ordered.contains(name), let service = services[name] else { return }
            for dependency in service.dependsOn { visit(dependency) }
            ordered.append(name)
        }
        for name in services.keys.sorted() { visit(name) }
        return ordered
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
