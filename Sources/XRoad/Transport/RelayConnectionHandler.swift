import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// A request handed to a connection: the head and body to write, and where the answer goes.
struct RelayCall: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let bodyLimit: Int
    let deadline: NIODeadline
    let answer: EventLoopPromise<RelayHTTPClient.Response>
}

/// The last handler of a relay connection: it writes one request at a time and gathers the response —
/// head, whole body up to the call's limit — into one answer, so that the caller awaits once per request.
///
/// Runs on the connection's event loop only (NIO calls every method there).
final class RelayConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = RelayCall
    typealias OutboundOut = HTTPClientRequestPart

    private struct Pending {
        let call: RelayCall
        var head: HTTPResponseHead?
        var body: ByteBuffer?
        var timeout: Scheduled<Void>?
    }

    private var pending: Pending?
    /// On a TLS connection: completed with the server's certificate once the handshake is done.
    private var handshake: EventLoopPromise<[UInt8]?>?
    /// Called once the connection closes, to take it out of its pool.
    private let onClose: () -> Void

    init(handshake: EventLoopPromise<[UInt8]?>?, onClose: @escaping () -> Void) {
        self.handshake = handshake
        self.onClose = onClose
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake, case .handshakeCompleted = event as? TLSUserEvent {
            self.handshake = nil
            let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
            handshake.succeed(certificate.flatMap { try? $0.toDERBytes() })
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        // Refused through the write's promise only: the client then fails the answer (once).
        guard pending == nil, context.channel.isActive else {
            promise?.fail(RelayHTTPClient.Failure.connectionClosed)
            return
        }
        promise?.succeed(())
        // Cancelled when the answer is complete; until then it keeps the handler.
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let timeout = context.eventLoop.scheduleTask(deadline: call.deadline) {
            bound.value.handler.fail(RelayHTTPClient.Failure.timedOut, context: bound.value.context)
        }
        pending = Pending(call: call, timeout: timeout)
        context.write(wrapOutboundOut(.head(call.head)), promise: nil)
        if let body = call.body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var current = pending else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // An interim answer (100 Continue, 103 Early Hints) is followed by the real one.
            if (100..<200).contains(head.status.code) && head.status != .switchingProtocols { return }
            current.head = head
            pending = current
        case .body(var part):
            let size = (current.body?.readableBytes ?? 0) + part.readableBytes
            guard size <= current.call.bodyLimit else {
                fail(RelayHTTPClient.Failure.bodyTooLarge(limit: current.call.bodyLimit), context: context)
                return
            }
            if current.body == nil {
                current.body = part
            } else {
                current.body!.writeBuffer(&part)
            }
            pending = current
        case .end:
            guard let head = current.head else {
                fail(RelayHTTPClient.Failure.connectionClosed, context: context)
                return
            }
            pending = nil
            current.timeout?.cancel()
            let response = RelayHTTPClient.Response(
                status: head.status, headers: head.headers, body: current.body ?? ByteBuffer(), reusable: head.isKeepAlive && context.channel.isActive)
            current.call.answer.succeed(response)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(RelayHTTPClient.Failure.connectionClosed, context: context)
        onClose()
        context.fireChannelInactive()
    }

    /// A connection that never became active (refused, timed out) is torn down without `channelInactive`.
    func handlerRemoved(context: ChannelHandlerContext) {
        abandon(RelayHTTPClient.Failure.connectionClosed)
    }

    /// Fails the request under way, if any, and closes the connection: what is left of its answer could
    /// not be told apart from the next one.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        abandon(error)
        context.close(promise: nil)
    }

    private func abandon(_ error: any Error) {
        if let handshake {
            self.handshake = nil
            handshake.fail(error)
        }
        if let current = pending {
            pending = nil
            current.timeout?.cancel()
            current.call.answer.fail(error)
        }
    }
}
