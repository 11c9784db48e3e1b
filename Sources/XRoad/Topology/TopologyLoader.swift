import Foundation
import Yams

/// Reads `topology.yaml` into a checked ``Topology``. Every mistake is reported with the place it is in
/// the file (`services[2].provider`) and what to write instead; nothing half-loaded is returned.
public enum TopologyLoader {
    /// - Parameters:
    ///   - variables: values for `${name}` placeholders in URLs (`registry.rccm` → `http://127.0.0.1:9101`).
    public static func load(contentsOf url: URL, variables: [String: String]) throws(TopologyError) -> Topology {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TopologyError(place: url.lastPathComponent, problem: "cannot be read (\(error.localizedDescription))")
        }
        return try load(yaml: text, variables: variables)
    }

    public static func load(yaml: String, variables: [String: String]) throws(TopologyError) -> Topology {
        // Decoding walks every repetition an alias stands for: refuse a document that would never end.
        if let root = try? Yams.compose(yaml: yaml), BoundedYAML.expandedCount(of: root, limit: BoundedYAML.maximumValues) > BoundedYAML.maximumValues {
            throw TopologyError(place: "topology", problem: "is refused: \(BoundedYAML.TooLarge(limit: BoundedYAML.maximumValues))")
        }
        let file: TopologyFile
        do {
            file = try YAMLDecoder().decode(TopologyFile.self, from: yaml)
        } catch let error as DecodingError {
            throw TopologyError(place: error.codingPath, problem: error.plainDescription)
        } catch {
            throw TopologyError(place: "topology", problem: "is not valid YAML: \(error)")
        }
        return try TopologyValidation(file: file, variables: variables).topology()
    }
}

/// A mistake in the topology file, and where.
public struct TopologyError: Error, Sendable, CustomStringConvertible {
    public let place: String
    public let problem: String

    init(place: String, problem: String) {
        self.place = place
        self.problem = problem
    }

    init(place codingPath: [any CodingKey], problem: String) {
        self.place = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        self.problem = problem
    }

    public var description: String { "topology: \(place.isEmpty ? "file" : place): \(problem)" }
}

extension DecodingError {
    var codingPath: [any CodingKey] {
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath
        @unknown default: []
        }
    }

    var plainDescription: String {
        switch self {
        case .keyNotFound(let key, _): "is missing \(key.stringValue)"
        case .typeMismatch(let type, _): "should be \(type)"
        case .valueNotFound(let type, _): "needs a value (\(type))"
        case .dataCorrupted(let context): context.debugDescription
        @unknown default: "cannot be read"
        }
    }
}

/// The file as written, before any check.
struct TopologyFile: Decodable {
    struct MemberClass: Decodable {
        let code: String
        let description: String?
    }
    struct Subsystem: Decodable {
        let code: String
        let name: String?
    }
    struct Member: Decodable {
        let id: String
        let name: String
        let subsystems: [Subsystem]?
    }
    struct SecurityServer: Decodable {
        let name: String
        let owner: String
        let code: String
        let clients: [String]?
        let messageLog: MessageLog?
    }
    struct MessageLog: Decodable {
        let timestampInterval: Int?
        let metadataOnly: [String]?
    }
    struct Endpoint: Decodable {
        let method: String
        let path: String
    }
    struct Service: Decodable {
        let id: String
        let type: String
        let url: String
        let description: String?
        let version: String?
        let timeout: Int?
        let enabled: Bool?
        let disabledNotice: String?
        let endpoints: [Endpoint]?
    }
    struct AccessRight: Decodable {
        let subject: String
        let service: String
        let endpoint: Endpoint?
    }

    let instance: String
    let memberClasses: [MemberClass]
    let members: [Member]
    let securityServers: [SecurityServer]
    let services: [Service]?
    let accessRights: [AccessRight]?
}
