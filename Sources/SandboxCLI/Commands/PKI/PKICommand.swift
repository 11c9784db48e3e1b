import ArgumentParser
import Foundation

/// `sandbox pki …`: talk to the PKI block's API.
struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Certificate authority, OCSP and time-stamping of a running sandbox.",
        subcommands: [
            CACommand.self, CertificateCommand.self, OCSPCommand.self, TimestampCommand.self, SignCommand.self, VerifyCommand.self,
            DocumentCommand.self, LabCommand.self,
        ])
}

struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Issue, inspect, revoke and check certificates.",
        subcommands: [IssueCommand.self, InspectCommand.self, RevokeCommand.self, StatusCommand.self])
}

/// Printing shared by the PKI commands.
enum Output {
    static func explain(_ lines: [String]) {
        print("# Équivalent openssl / curl — equivalent commands:")
        for line in lines { print(line) }
        print("")
    }

    static func printJSON(_ bytes: [UInt8]) {
        print(String(decoding: bytes, as: UTF8.self))
    }

    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        return ISO8601DateFormatter().string(from: date)
    }
}
