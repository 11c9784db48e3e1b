import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PKI
import SandboxCore
import SandboxCrypto
import Testing

/// The scenario matrix: each bundle, posted to /validations as a trainee would, gives its expected answer.
@Suite("Lab scenarios and clock")
struct LabTests {
    let admin: HTTPFields = [.contentType: "application/json", .authorization: "Bearer test-admin-token-0123456789"]

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func everyScenarioYieldsItsExpectedIndication() async throws {
        let fixture = try PKIFixture()
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in
            for scenario in LabScenario.allCases {
                let bundle = try await client.execute(uri: "/pki/v1/lab/scenarios/\(scenario.rawValue)", method: .post, headers: admin) { response async throws in
                    #expect(response.status == .created, "\(scenario)")
                    return try json(response.body)
                }
                var request: [String: Any] = ["signedDocument": ["name": "lab", "bytes": bundle["signature"] as? String ?? ""], "reportType": "SIMPLE"]
                if let document = bundle["document"] as? String { request["originalDocuments"] = [["name": "doc.json", "bytes": document]] }
                if let time = bundle["validationTime"] as? String { request["validationTime"] = time }
                let body = try JSONSerialization.data(withJSONObject: request)
                let expected = try #require(bundle["expected"] as? [String: Any])
                try await client.execute(uri: "/pki/v1/validations", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)) { response async throws in
                    let report = try #require(try json(response.body)["validationReport"] as? [String: Any])
                    #expect(report["indication"] as? String == expected["indication"] as? String, "\(scenario)")
                    #expect(report["subIndication"] as? String == expected["subIndication"] as? String, "\(scenario)")
                }
            }
            try await client.execute(uri: "/pki/v1/lab/scenarios/nope", method: .post, headers: admin) { response async throws in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/pki/v1/lab/scenarios", method: .get, headers: admin) { response async throws in
                let list = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: String]])
                #expect(list.count == LabScenario.allCases.count)
            }
        }
    }

    @Test func theLabClockDrivesTheTSAAndResets() async throws {
        let fixture = try PKIFixture()
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in
            try await client.execute(uri: "/pki/v1/lab/clock", method: .put, headers: admin, body: ByteBuffer(string: #"{"fixedTime":"2027-01-15T08:00:00Z"}"#)) { response async throws in
                #expect(try json(response.body)["mode"] as? String == "frozen")
            }
            let digest = DigestAlgorithm.sha256.hash([1, 2, 3])
            let token = try fixture.authority.timestamp(digestAlgorithm: .sha256, digest: digest)
            #expect(token.genTime == ISO8601DateFormatter().date(from: "2027-01-15T08:00:00Z"))
            try await client.execute(uri: "/pki/v1/lab/clock", method: .put, headers: admin, body: ByteBuffer(string: #"{"reset":true,"offsetSeconds":5}"#)) { response async throws in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/pki/v1/lab/clock", method: .put, headers: admin, body: ByteBuffer(string: #"{"reset":true}"#)) { response async throws in
                #expect(try json(response.body)["mode"] as? String == "real")
            }
            try await client.execute(uri: "/pki/v1/lab/clock", method: .put, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"reset":true}"#)) { response async throws in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
