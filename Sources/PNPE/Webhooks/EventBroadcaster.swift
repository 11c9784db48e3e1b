import HTTPTypes
import Foundation
import NIOCore
import Synchronization

/// The live event stream behind `GET /v1/events/stream`: every committed event is offered to the
/// subscribers of its merchant. Slow subscribers lose the oldest messages rather than slow the platform.
final class EventBroadcaster: Sendable {
    private struct Subscriber: Sendable {
        let merchantID: String
        let continuation: AsyncStream<EventRecord>.Continuation
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])

    func subscribe(merchantID: String) -> AsyncStream<EventRecord> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: EventRecord.self, bufferingPolicy: .bufferingNewest(1000))
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = Subscriber(merchantID: merchantID, continuation: continuation) }
        return stream
    }

    func publish(_ event: EventRecord) {
        let targets = subscribers.withLock { $0.values.filter { $0.merchantID == event.merchantID } }
        for target in targets { target.continuation.yield(event) }
    }

    var count: Int { subscribers.withLock { $0.count } }

    /// One server-sent event: `id`, `event` (the type) and the raw body on one `data` line.
    static func message(_ event: EventRecord) -> String {
        "id: \(event.id)\nevent: \(event.type)\ndata: \(event.body)\n\n"
    }
}
