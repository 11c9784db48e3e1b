import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SandboxCore
import Synchronization

/// A security server's link to the central server: it downloads the global configuration, and sends the
/// management requests of the admin API. Downloads happen when a lookup misses (a subsystem registered a
/// moment ago on another server), one at a time however many requests miss together, and every minute in
/// the background, like a real server's `update-interval` of 60 s.
public final class CentralServerClient: Sendable {
    public let baseURL: String
    let adminToken: String
    private let state = Mutex<State>(State())

    struct State {
        var lastAttempt: ContinuousClock.Instant?
        var version = -1
        /// The download under way, which concurrent misses share.
        var inFlight: Task<GlobalConfigurationDocument?, Never>?
    }

    public static let backgroundInterval: Duration = .seconds(60)
    /// A miss always asks (a registration may be a millisecond old); concurrent misses share one download.
    public static let missInterval: Duration = .zero

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(baseURL: String, adminToken: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.adminToken = adminToken
    }

    /// Downloads the configuration unless one was tried less than `interval` ago.
    /// - Returns: a document newer than the last one applied, or nil.
    func download(ifOlderThan interval: Duration) async -> GlobalConfigurationDocument? {
        let now = ContinuousClock.now
        let task = state.withLock { state -> Task<GlobalConfigurationDocument?, Never>? in
            if let running = state.inFlight { return running }
            if let last = state.lastAttempt, interval > .zero, now - last < interval { return nil }
            state.lastAttempt = now
            let task = Task { try? await self.fetch() }
            state.inFlight = task
            return task
        }
        guard let task else { return nil }
        let document = await task.value
        return state.withLock { state in
            if state.inFlight == task { state.inFlight = nil }
            guard let document, document.version > state.version else { return nil }
            state.version = document.version
            return document
        }
    }

    func fetch() async throws -> GlobalConfigurationDocument {
        let response = try await SecurityServer.httpClient.execute(HTTPClientRequest(url: baseURL + "/globalconf"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 8 << 20)
        guard response.status == .ok else { throw Failure(description: "the central server answered \(response.status.code) to GET /globalconf") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(GlobalConfigurationDocument.self, from: Data(body.readableBytesView))
    }

    /// `clientReg` or `clientDeletion`, approved at once by the sandbox's central server.
    func send(_ request: String, client: XRoadClientID, name: String?, server: String) async throws(Failure) {
        var http = HTTPClientRequest(url: baseURL + "/managementservice/" + request)
        http.method = .POST
        http.headers.add(name: "Authorization", value: "X-Road-ApiKey token=\(adminToken)")
        http.headers.add(name: "Content-Type", value: "application/json")
        var body = #"{"security_server":\#(JSONText.quote(server)),"client":\#(JSONText.quote(client.adminID))"#
        if let name { body += #","subsystem_name":\#(JSONText.quote(name))"# }
        http.body = .bytes(ByteBuffer(string: body + "}"))
        do {
            let response = try await SecurityServer.httpClient.execute(http, timeout: .seconds(10))
            let answer = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else {
                throw Failure(description: "the central server refused \(request) (\(response.status.code)): \(String(buffer: answer).prefix(300))")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot reach the central server at \(baseURL): \(error)")
        }
    }
}
