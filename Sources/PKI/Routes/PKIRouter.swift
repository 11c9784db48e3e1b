import Foundation
import Hummingbird
import Logging
import SandboxCore
import SandboxCrypto

/// Assembles the PKI block's HTTP interface: `/health`, the public routes and the admin routes under
/// `/pki/v1`. `sandbox up` and `sandbox serve pki` both call this, so the block behaves the same alone
/// or alongside the others.
public enum PKIRouter {
    public static func build(authority: CertificateAuthority, adminToken: AdminToken, logger: Logger) -> Router<SandboxRequestContext> {
        let router = Router<SandboxRequestContext>.sandbox(logger: logger, maxBodyBytes: authority.configuration.maxBodyBytes)
        router.get("health") { _, _ in try JSONResponse.make(health(authority)) }
        let api = router.group("pki/v1")
        api.get("health") { _, _ in try JSONResponse.make(health(authority)) }
        PublicRoutes(authority: authority).add(to: api)
        let signatures = SignatureRoutes(authority: authority)
        signatures.addPublic(to: api)
        ValidationRoutes(authority: authority).add(to: api)
        let documents = DocumentRoutes(authority: authority)
        documents.addPublic(to: api, root: router)
        let admin = api.group().add(middleware: AdminAuthMiddleware(token: adminToken))
        AdminRoutes(authority: authority).add(to: admin)
        signatures.addAdmin(to: admin)
        documents.addAdmin(to: admin)
        LabRoutes(authority: authority).add(to: admin)
        return router
    }

    /// What `/health` reports: enough to see at a glance that the CA can work (keys loaded, CRL current,
    /// TSA certificate valid), in the shape the overview aggregates.
    static func health(_ authority: CertificateAuthority) -> HealthDocument {
        let now = authority.clock.now()
        let crl = try? authority.crl(caID: "issuing")
        let tsaValid = authority.trust.tsa.isValid(at: now)
        return HealthDocument(
            status: crl != nil && tsaValid ? "ok" : "degraded", block: "pki",
            rootFingerprintSha256: authority.trust.root.fingerprintSHA256,
            crlNextUpdate: crl?.nextUpdate, tsaCertificateNotAfter: authority.trust.tsa.notAfter, time: now)
    }
}

struct HealthDocument: Codable {
    var status: String
    var block: String
    var rootFingerprintSha256: String
    var crlNextUpdate: Date?
    var tsaCertificateNotAfter: Date
    var time: Date
}
