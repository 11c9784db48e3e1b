import AgrementFAI
import Foundation
import PNPE
import SandboxCore

extension SandboxConfiguration {
    /// The sample e-service's configuration: its own SQLite file, and the blocks it uses given as URLs only
    /// (its security server's client side, the PKI, the PNPE), so that it can run as a process of its own.
    func agrementConfiguration(adminToken: AdminToken) -> AgrementConfiguration {
        AgrementConfiguration(
            databasePath: databaseURL(block: "agrement-fai").path, publicBaseURL: publicURL(.agrementFAI),
            securityServerURL: baseURL(.securityServerARCEP), pkiURL: baseURL(.pki), pkiToken: adminToken.value, pnpeURL: baseURL(.pnpe),
            pnpeSecretKey: DemoMerchant.secretKey, definitionFile: fixturesDirectory.appendingPathComponent("agrement-fai.json"),
            webhookBaseURL: baseURL(.agrementFAI), pkiPublicURL: publicURL(.pki))
    }
}
