import Foundation

/// Which spelling of error codes a security server uses. Real deployments lag, so the legacy spelling of
/// X-Road ≤ 7.7 is the default; 7.8 rewrote every code (commit 4229e1292e, "update old error code format").
public enum XRoadErrorStyle: String, Sendable, Codable, CaseIterable {
    /// `Server.ServerProxy.AccessDenied`
    case legacy
    /// `server.serverproxy.access_denied`
    case v78 = "7.8"
}

/// An X-Road fault code: where it comes from and what it is, spelled per ``XRoadErrorStyle``.
///
/// Prefixes tell the origin (PR-REST §4.6): `Client` (the request was bad), `Server.ClientProxy` (the
/// consumer's security server), `Server.ServerProxy` (the provider's).
public enum XRoadErrorCode: Sendable, Hashable {
    case client(String)
    case clientProxy(String)
    case serverProxy(String)

    var prefix: String {
        switch self {
        case .client: "Client"
        case .clientProxy: "Server.ClientProxy"
        case .serverProxy: "Server.ServerProxy"
        }
    }

    /// `AccessDenied`, or a dotted suffix such as `ServiceFailed.MissingBody`.
    public var name: String {
        switch self {
        case .client(let name), .clientProxy(let name), .serverProxy(let name): name
        }
    }

    public func spelled(_ style: XRoadErrorStyle) -> String {
        switch style {
        case .legacy: return prefix + "." + name
        case .v78: return prefix.lowercased() + "." + name.split(separator: ".").map { Self.snakeCase(String($0)) }.joined(separator: ".")
        }
    }

    /// The implementation's HTTP status rule: a code starting with `Server.` (7.8: `server.`) is a 500,
    /// anything else a 400.
    public var httpStatus: Int { prefix.hasPrefix("Server") ? 500 : 400 }

    /// Names 7.8 did not derive mechanically.
    private static let renamed = ["OutdatedGlobalConf": "global_conf_outdated", "IOError": "io_error"]

    static func snakeCase(_ name: String) -> String {
        if let special = renamed[name] { return special }
        var out = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let previousIsLower = index > 0 && (characters[index - 1].isLowercase || characters[index - 1].isNumber)
            let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
            let previousIsUpper = index > 0 && characters[index - 1].isUppercase
            if character.isUppercase, index > 0, previousIsLower || (previousIsUpper && nextIsLower) { out.append("_") }
            out.append(contentsOf: character.lowercased())
        }
        return out
    }
}
