import Foundation
import NIOHTTP1

/// The PKI's document register: `POST /pki/v1/documents` seals a document with ARCEP's seal (CAdES
/// BASELINE_T: a signature and a timestamp from the PKI's TSA) and registers it for public verification.
struct PKIClient: Sendable {
    let baseURL: String
    let token: String
    let http: UpstreamHTTP

    struct Registered: Decodable, Sendable {
        struct Verification: Decodable, Sendable {
            let url: String
            let qrPng: String
        }
        let documentId: String
        /// Base64 of the detached CAdES signature (DER).
        let signature: String
        let verification: Verification
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        let status: Int
        let detail: String
        var description: String { "PKI \(status): \(detail)" }
    }

    /// - Parameters:
    ///   - holder: only what may be shown publicly on the verification page (the company's name).
    func register(_ bytes: [UInt8], name: String, type: String, title: String, holder: String) async throws -> Registered {
        let body: [String: Any] = [
            "document": ["name": name, "bytes": Data(bytes).base64EncodedString()], "type": type, "title": title, "holder": holder,
            "signingKey": "seal-arcep-sandbox", "format": "CAdES", "level": "BASELINE_T",
        ]
        let reply = try await http.send(
            .POST, baseURL + "/pki/v1/documents", system: "PKI",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Array(try JSONSerialization.data(withJSONObject: body)))
        guard reply.isSuccess, let registered = reply.json(Registered.self) else {
            struct ProblemBody: Decodable { let detail: String? }
            throw Failure(status: reply.status, detail: reply.json(ProblemBody.self)?.detail ?? String(reply.text.prefix(300)))
        }
        return registered
    }
}
