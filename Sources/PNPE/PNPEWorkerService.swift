import ServiceLifecycle

/// Runs the platform's job worker (webhook deliveries, payer answers, expiries, settlements) beside the
/// HTTP server, and stops it on graceful shutdown; what it has not done stays in SQLite for next time.
public struct PNPEWorkerService: Service {
    let platform: PaymentPlatform

    public init(platform: PaymentPlatform) { self.platform = platform }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await platform.runWorker() }
    }
}
