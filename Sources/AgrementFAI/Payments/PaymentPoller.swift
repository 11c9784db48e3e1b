import ServiceLifecycle

/// The polling fallback as a service beside the HTTP server: every `paymentPollInterval`, payments still
/// open after the webhook's grace period are asked about (a webhook can be lost; the payment is not).
public struct PaymentPoller: Service {
    let service: AgrementService

    public init(service: AgrementService) { self.service = service }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: service.configuration.paymentPollInterval)
            await service.pollOpenPayments()
        }
    }
}
