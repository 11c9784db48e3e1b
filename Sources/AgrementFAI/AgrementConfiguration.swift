import Foundation

/// Where the e-service lives and where it finds the building blocks. Everything it talks to is a URL: it
/// never links the PKI, X-Road or PNPE code, exactly as a trainee's application in PHP or JavaScript would
/// be configured, so that it runs the same inside `sandbox up` or in a container of its own.
public struct AgrementConfiguration: Sendable {
    /// The e-service's own SQLite file (`:memory:` in unit tests).
    public var databasePath: String
    /// How people reach the e-service, e.g. `http://localhost:3000` (links, `return_url`).
    public var publicBaseURL: String
    /// How the PNPE reaches it, for the webhook endpoint it registers: the public URL unless the blocks run
    /// in containers of their own (`http://agrement-fai:3000`).
    public var webhookBaseURL: String
    /// The client side of the organisation's own security server, `ss-arcep` (`http://localhost:8080`).
    public var securityServerURL: String
    /// The PKI, for sealing and registering decisions (`http://localhost:8090`).
    public var pkiURL: String
    /// The PKI as people's browsers reach it (the QR code image on a decision); `pkiURL` by default.
    public var pkiPublicURL: String
    /// The credential the PKI asks for on `POST /pki/v1/documents` (the sandbox admin token). A real
    /// e-service would hold its own credential for the seal service.
    public var pkiToken: String
    /// The PNPE (`http://localhost:8086`) and the secret key of the merchant the fee is paid to.
    public var pnpeURL: String
    public var pnpeSecretKey: String
    /// The e-service's X-Road client identifier: instance, member class, member code, subsystem.
    public var xroadClient: String
    /// The definition of the e-service: documents, fee, agents (`Fixtures/agrement-fai.json`).
    public var definitionFile: URL
    /// How often open payments are asked about when no webhook came (the polling fallback).
    public var paymentPollInterval: Duration
    /// How long a payment may wait for its webhook before the poller asks the PNPE itself.
    public var webhookGraceSeconds: Double
    /// The longest a call to another block may take before the e-service says it does not answer.
    public var requestTimeout: Duration

    public init(
        databasePath: String, publicBaseURL: String, securityServerURL: String, pkiURL: String, pkiToken: String, pnpeURL: String,
        pnpeSecretKey: String = "sk_test_arcep_sandbox_illustrative", xroadClient: String = "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI",
        definitionFile: URL = URL(fileURLWithPath: "Fixtures/agrement-fai.json"), paymentPollInterval: Duration = .seconds(5),
        webhookGraceSeconds: Double = 10, requestTimeout: Duration = .seconds(20), webhookBaseURL: String? = nil, pkiPublicURL: String? = nil
    ) {
        func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
        self.databasePath = databasePath
        self.publicBaseURL = trimmed(publicBaseURL)
        self.webhookBaseURL = trimmed(webhookBaseURL ?? publicBaseURL)
        self.pkiPublicURL = trimmed(pkiPublicURL ?? pkiURL)
        self.securityServerURL = trimmed(securityServerURL)
        self.pkiURL = trimmed(pkiURL)
        self.pkiToken = pkiToken
        self.pnpeURL = trimmed(pnpeURL)
        self.pnpeSecretKey = pnpeSecretKey
        self.xroadClient = xroadClient
        self.definitionFile = definitionFile
        self.paymentPollInterval = paymentPollInterval
        self.webhookGraceSeconds = webhookGraceSeconds
        self.requestTimeout = requestTimeout
    }
}
