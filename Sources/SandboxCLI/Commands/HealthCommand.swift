import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SandboxCore

/// `sandbox health [URL]`: exit 0 when a block answers 200 on `/health`. The container image has no curl;
/// its `HEALTHCHECK` runs this with the block's own URL from `SANDBOX_HEALTH_URL`.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check that a block answers 200 on /health (for container health checks).",
        discussion: "URL defaults to $SANDBOX_HEALTH_URL, then to the overview (http://localhost:4000/health).")

    @Argument(help: "The /health URL to ask.")
    var url: String?

    func run() async throws {
        let target = url ?? ProcessInfo.processInfo.environment["SANDBOX_HEALTH_URL"] ?? "http://localhost:4000/health"
        guard let components = URLComponents(string: target), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
            throw ValidationError("not an http(s) URL: \(target.prefix(120))")
        }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: target), timeout: .seconds(3))
            guard response.status == .ok else {
                print("\(target): HTTP \(response.status.code)")
                throw ExitCode(1)
            }
            print("\(target): ok")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            print("\(target): \(error)")
            throw ExitCode(1)
        }
    }
}
