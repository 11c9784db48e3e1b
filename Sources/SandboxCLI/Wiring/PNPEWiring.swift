import Foundation
import PNPE
import SandboxCore

extension SandboxConfiguration {
    /// The PNPE block's configuration derived from the sandbox's: its SQLite file in the data directory
    /// and the public base URL written into checkout links (the payer's browser follows them).
    func pnpeConfiguration() -> PNPEConfiguration {
        PNPEConfiguration(databasePath: databaseURL(block: "pnpe").path, publicBaseURL: publicURL(.pnpe))
    }
}
