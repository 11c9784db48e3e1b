import Foundation
import Logging
import SandboxCore
import Synchronization
import Testing

@Suite("Log lines")
struct SandboxLogHandlerTests {
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        func append(_ line: String) { written.withLock { $0.append(line) } }
        var all: [String] { written.withLock { $0 } }
    }

    struct Failure: Error, CustomStringConvertible { var description: String { "disk full" } }

    @Test func linesHaveStreamLogHandlersShapeWithMetadataRenderedWhenWritten() {
        let lines = Lines()
        var logger = Logger(label: "ss-arcep") { label in SandboxLogHandler(label: label, level: .notice, metadataProvider: nil, write: lines.append) }
        logger[metadataKey: "request"] = "01ABC"
        logger[metadataKey: "hb.request.id"] = "7f"
        logger.info("not written below notice")
        logger.notice("exchange refused", metadata: ["code": "AccessDenied"], source: "XRoad")
        logger.error("log write failed", error: Failure())
        #expect(lines.all.count == 2)
        let first = lines.all[0]
        #expect(first.hasSuffix(" notice ss-arcep: code=AccessDenied hb.request.id=7f request=01ABC [XRoad] exchange refused\n"), "\(first)")
        #expect(first.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} "#, options: .regularExpression) != nil, "\(first)")
        #expect(lines.all[1].contains("error.message=disk full") && lines.all[1].contains("error.type="), "\(lines.all[1])")
        #expect(!lines.all[1].contains("code="), "explicit metadata belongs to its own line")
    }
}
