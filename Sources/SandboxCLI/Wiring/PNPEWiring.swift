import Foundation
import PNPE
import SandboxCore

extension SandboxConfiguration {
    /// The PNPE block's configuration derived from the sandbox's: its SQLite file in the data directory
    /// and the base URL written into checkout links.
    func pnpeConfiguration() -> PNPEConfiguration {
        PNPEConfiguration(databasePath: databaseURL(block: "pnpe").path, publicBaseURL: baseURL(.pnpe))
    }
}
