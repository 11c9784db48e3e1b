import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Hummingbird
import Logging
import NIOCore
import SandboxCore

/// The overview on port 4000: an aggregate `/health` that asks every block over HTTP (as a monitoring
/// system would), and a small page listing the blocks and their URLs, French first.
enum OverviewRouter {
    struct Block: Sendable, Codable {
        let name: String
        /// Where people go (the link on the page).
        let url: String
        /// Where the overview asks for `/health`: the block's internal URL, which differs from `url` when
        /// each block runs in its own container.
        var healthURL: String

        init(name: String, url: String, healthURL: String? = nil) {
            self.name = name
            self.url = url
            self.healthURL = healthURL ?? url
        }
    }

    struct BlockHealth: Codable {
        let name: String
        let url: String
        let status: String
        var detail: String?
    }

    struct AggregateHealth: Codable {
        let status: String
        let blocks: [BlockHealth]
    }

    static func build(blocks: [Block], logger: Logger) -> Router<SandboxRequestContext> {
        let router = Router<SandboxRequestContext>.sandbox(logger: logger, maxBodyBytes: 64 * 1024)
        router.get("health") { _, _ -> Response in
            let health = await aggregate(blocks)
            return try JSONResponse.make(health, status: health.status == "ok" ? .ok : .serviceUnavailable)
        }
        router.get("/") { request, _ -> Response in
            let html = OverviewPage.render(language: request.language, blocks: await aggregate(blocks).blocks)
            return BinaryResponse.make(Array(html.utf8), contentType: "text/html; charset=utf-8")
        }
        return router
    }

    /// Asks every block's `/health` concurrently, each with a short timeout.
    static func aggregate(_ blocks: [Block]) async -> AggregateHealth {
        let results = await withTaskGroup(of: (Int, BlockHealth).self) { group in
            for (index, block) in blocks.enumerated() {
                group.addTask { (index, await check(block)) }
            }
            var collected: [(Int, BlockHealth)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return AggregateHealth(status: results.allSatisfy { $0.status == "ok" } ? "ok" : "degraded", blocks: results)
    }

    static func check(_ block: Block) async -> BlockHealth {
        do {
            let request = HTTPClientRequest(url: block.healthURL + "/health")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(2))
            let body = try await response.body.collect(upTo: 64 * 1024)
            struct Reported: Decodable { let status: String }
            let reported = try? JSONDecoder().decode(Reported.self, from: Data(body.readableBytesView))
            let status = response.status == .ok ? (reported?.status ?? "ok") : "down"
            return BlockHealth(name: block.name, url: block.url, status: status, detail: status == "ok" ? nil : "HTTP \(response.status.code)")
        } catch {
            return BlockHealth(name: block.name, url: block.url, status: "down", detail: "\(error)")
        }
    }
}
