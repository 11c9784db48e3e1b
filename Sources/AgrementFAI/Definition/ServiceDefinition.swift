import Foundation
import SandboxCore

/// What the e-service asks for and who works on it, read from `Fixtures/agrement-fai.json`. The list of
/// documents, the fee and the agents are invented (the file says so): ARCEP publishes none of them.
public struct ServiceDefinition: Sendable, Decodable {
    public struct Label: Sendable, Decodable {
        public let fr: String
        public let en: String
        public func callAsFunction(_ language: Language) -> String { language == .fr ? fr : en }
    }

    public struct Fee: Sendable, Decodable {
        /// Whole CFA francs.
        public let amount: Int64
        public let currency: String
        public let description: String
    }

    /// A code with its French and English names (a service type, a required document).
    public struct Item: Sendable, Decodable {
        public let code: String
        public let fr: String
        public let en: String
        public func label(_ language: Language) -> String { language == .fr ? fr : en }
    }

    public struct Agent: Sendable, Decodable {
        public let login: String
        public let name: String
        /// Plain text on purpose: a published demo password, like the PNPE's test keys.
        public let password: String
    }

    public struct Service: Sendable, Decodable {
        public let code: String
        public let title: Label
        public let authority: String
    }

    public let notice: String
    public let service: Service
    public let fee: Fee
    public let serviceTypes: [Item]
    public let requiredDocuments: [Item]
    public let maxDocumentBytes: Int
    public let agents: [Agent]

    /// Reads and checks the definition; the error names the file and what is wrong in it.
    public static func load(contentsOf url: URL) throws -> ServiceDefinition {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SandboxFileError("no e-service definition at \(url.path): run from the repository's root, or give --fixtures-dir")
        }
        let definition: ServiceDefinition
        do {
            definition = try JSONDecoder().decode(ServiceDefinition.self, from: data)
        } catch {
            throw SandboxFileError("\(url.path): \(error)")
        }
        guard definition.fee.amount > 0, definition.maxDocumentBytes > 0, !definition.agents.isEmpty, !definition.requiredDocuments.isEmpty else {
            throw SandboxFileError("\(url.path): fee.amount and maxDocumentBytes must be positive, agents and requiredDocuments not empty")
        }
        return definition
    }

    public func document(_ code: String) -> Item? { requiredDocuments.first { $0.code == code } }
    public func serviceType(_ code: String) -> Item? { serviceTypes.first { $0.code == code } }
}
