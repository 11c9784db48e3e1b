import ArgumentParser
import Foundation
import Logging
import SandboxCore

/// Where the sandbox keeps its state and which ports it uses: shared by `up`, `init` and the clients.
struct SandboxOptions: ParsableArguments {
    @Option(help: "Data directory (SQLite files, admin token).")
    var dataDir: String = ".sandbox"

    @Option(help: "Trust material directory (written by `sandbox init`; profiles in <certs-dir>/profiles).")
    var certsDir: String = "certs"

    @Option(help: "Fixtures directory (X-Road topology, registry records).")
    var fixturesDir: String = "Fixtures"

    @Option(help: "Added to every default port, to run several sandboxes side by side.")
    var portOffset: Int = 0

    @Option(help: "Host name written into certificates and links.")
    var publicHost: String = "localhost"

    /// The configuration from the options, then the environment (`SANDBOX_URL_<BLOCK>`,
    /// `SANDBOX_PUBLIC_URL_<BLOCK>`, `SANDBOX_PUBLIC_HOST`: see `docs/deployment.md`), which
    /// ``validate()`` has already checked.
    var configuration: SandboxConfiguration {
        var configuration = commandLineConfiguration
        try? configuration.apply(environment: ProcessInfo.processInfo.environment)
        return configuration
    }

    private var commandLineConfiguration: SandboxConfiguration {
        var configuration = SandboxConfiguration(
            dataDirectory: URL(fileURLWithPath: dataDir), certsDirectory: URL(fileURLWithPath: certsDir),
            portOffset: portOffset, publicHost: publicHost)
        configuration.fixturesDirectory = URL(fileURLWithPath: fixturesDir)
        return configuration
    }

    func validate() throws {
        guard (-3000...50000).contains(portOffset) else {
            throw ValidationError("--port-offset must keep every port between 1000 and 65535 (try 0 to 50000)")
        }
        var configuration = commandLineConfiguration
        do {
            try configuration.apply(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// Options of the commands that call a running sandbox.
struct ClientOptions: ParsableArguments {
    @OptionGroup var sandbox: SandboxOptions

    @Option(help: "Base URL of the PKI (default: http://localhost:8090 plus the port offset).")
    var pkiURL: String?

    @Option(help: "Admin token (default: $SANDBOX_ADMIN_TOKEN, then <data-dir>/admin-token).")
    var token: String?

    @Flag(help: "Print the raw JSON answer.")
    var json = false

    @Flag(help: "Print the equivalent openssl/curl commands, for learning.")
    var explain = false

    var pkiBaseURL: String {
        let url = pkiURL ?? sandbox.configuration.baseURL(.pki)
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// The admin token, or a clear error saying where it was looked for.
    func adminToken() throws -> String {
        if let token { return token }
        if let environment = ProcessInfo.processInfo.environment["SANDBOX_ADMIN_TOKEN"], !environment.isEmpty { return environment }
        let file = sandbox.configuration.dataDirectory.appendingPathComponent("admin-token")
        guard let stored = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty else {
            throw ValidationError("no admin token: pass --token, set SANDBOX_ADMIN_TOKEN, or run from the directory where `sandbox up` keeps \(file.path)")
        }
        return stored
    }
}

/// `--log-level`.
struct LoggingOptions: ParsableArguments {
    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "notice"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
    }

    func bootstrap() -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .notice
        LoggingSystem.bootstrap { label in SandboxLogHandler(label: label, level: level) }
        var logger = Logger(label: "sandbox")
        logger.logLevel = level
        return logger
    }
}
