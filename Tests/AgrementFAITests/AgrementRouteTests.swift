import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SandboxCore
import SandboxTesting
import Testing
@testable import AgrementFAI

/// The e-service's routes without the other blocks (their URLs point at a closed port): bad input gets a
/// clear 4xx naming the field, refused moves a 409, and the request stays consistent throughout.
@Suite("e-service routes")
struct AgrementRouteTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures").standardized
    static let logger: Logger = {
        var logger = Logger(label: "agrement-tests")
        logger.logLevel = .critical
        return logger
    }()
    static let json: HTTPFields = [.contentType: "application/json"]
    static let pdf: HTTPFields = [.contentType: "application/pdf"]
    static let completeForm = #"{"rccm":"RB/COT/24 B 00042","ifu":"3202400004218","representativeNpi":"1000000042","phone":"+229 01 97 00 00 42","email":"contact@demo-telecom.bj","serviceType":"FIXED","communes":["Cotonou"],"upstreamProviders":["Amont A"],"capacityMbps":1000}"#

    let directory: TemporaryDirectory
    let service: AgrementService

    init() throws {
        directory = try TemporaryDirectory("agrement")
        let nowhere = "http://127.0.0.1:\(try PortProbe.freePort())"
        service = try AgrementService(
            configuration: AgrementConfiguration(
                databasePath: directory.path("agrement-fai.sqlite"), publicBaseURL: "http://localhost:3000", securityServerURL: nowhere, pkiURL: nowhere,
                pkiToken: "token", pnpeURL: nowhere, definitionFile: Self.fixtures.appendingPathComponent("agrement-fai.json"),
                requestTimeout: .milliseconds(200)),
            logger: Self.logger)
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    func fields(_ buffer: ByteBuffer) throws -> [String] {
        ((try object(buffer)["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }

    @Test func aRequestFromDraftToSendBack() async throws {
        let app = Application(router: AgrementRouter.build(service: service, logger: Self.logger))
        try await app.test(.router) { client in
            let bad = try await client.execute(
                uri: "/api/v1/applications", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"rccm":"RB-COT-24","representativeNpi":"12ab","phone":"97000042","serviceType":"SATELLITE"}"#))
            #expect(bad.status == .badRequest)
            #expect(try fields(bad.body) == ["rccm", "representativeNpi", "phone", "serviceType"])

            let created = try await client.execute(uri: "/api/v1/applications", method: .post, headers: Self.json, body: ByteBuffer(string: Self.completeForm))
            #expect(created.status == .created)
            let id = try #require(try object(created.body)["id"] as? String)
            let base = "/api/v1/applications/\(id)"

            let notPDF = try await client.execute(uri: base + "/documents/statutes", method: .put, headers: Self.pdf, body: ByteBuffer(string: "hello"))
            #expect(notPDF.status == .badRequest)
            #expect(try fields(notPDF.body) == ["file"])
            let tooLarge = ByteBuffer(bytes: Array("%PDF-".utf8) + [UInt8](repeating: 0x20, count: service.definition.maxDocumentBytes))
            #expect(try await client.execute(uri: base + "/documents/statutes", method: .put, headers: Self.pdf, body: tooLarge).status == .contentTooLarge)
            let incomplete = try await client.execute(uri: base + "/submit", method: .post)
            #expect(incomplete.status == .badRequest)
            #expect(try fields(incomplete.body).allSatisfy { $0.hasPrefix("documents.") })

            for document in service.definition.requiredDocuments {
                let uploaded = try await client.execute(uri: base + "/documents/\(document.code)", method: .put, headers: Self.pdf, body: ByteBuffer(string: "%PDF-1.4\n%%EOF\n"))
                #expect(uploaded.status == .created)
            }
            // X-Road cannot be reached: the request is PENDING all the same, its checks are errors to retry.
            let submitted = try await client.execute(uri: base + "/submit", method: .post)
            #expect(submitted.status == .ok)
            let dossier = try object(submitted.body)
            #expect(dossier["status"] as? String == "PENDING")
            #expect((dossier["number"] as? String)?.hasSuffix("-000001") == true)
            let checks = try #require(dossier["checks"] as? [[String: Any]])
            #expect(checks.count == 3 && checks.allSatisfy { $0["outcome"] as? String == "ERROR" })
            #expect((checks.first?["detail"] as? String)?.contains("ne répond pas") == true)

            #expect(try await client.execute(uri: base + "/submit", method: .post).status == .conflict)
            let edit = try await client.execute(uri: base, method: .patch, headers: Self.json, body: ByteBuffer(string: #"{"capacityMbps":10}"#))
            #expect(edit.status == .conflict)
            #expect(try await client.execute(uri: base + "/payment", method: .post).status == .badGateway)

            // The back office.
            #expect(try await client.execute(uri: "/api/v1/agents/queue", method: .get).status == .unauthorized)
            let wrong = try await client.execute(uri: "/api/v1/agents/session", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"login":"instructeur","password":"nope"}"#))
            #expect(wrong.status == .unauthorized)
            let session = try await client.execute(
                uri: "/api/v1/agents/session", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"login":"instructeur","password":"agrement-demo"}"#))
            #expect(session.status == .created && session.headers[.setCookie]?.contains("HttpOnly") == true)
            let token = try #require(try object(session.body)["token"] as? String)
            var agent = Self.json
            agent[.authorization] = "Bearer \(token)"
            let decision = "/api/v1/agents/applications/\(id)/decision"
            let approve = try await client.execute(uri: decision, method: .post, headers: agent, body: ByteBuffer(string: #"{"action":"approve"}"#))
            #expect(approve.status == .conflict)
            #expect((try object(approve.body)["detail"] as? String)?.contains("registry check") == true)
            let noReason = try await client.execute(uri: decision, method: .post, headers: agent, body: ByteBuffer(string: #"{"action":"reject"}"#))
            #expect(noReason.status == .badRequest)
            #expect(try fields(noReason.body) == ["reason"])
            let sendBack = try await client.execute(uri: decision, method: .post, headers: agent, body: ByteBuffer(string: #"{"action":"send_back","reason":"Extrait RCCM illisible"}"#))
            #expect(sendBack.status == .ok)
            #expect(try object(sendBack.body)["status"] as? String == "SENDBACK")
            #expect(try await client.execute(uri: decision, method: .post, headers: agent, body: ByteBuffer(string: #"{"action":"send_back","reason":"bis"}"#)).status == .conflict)
            #expect(try await client.execute(uri: base + "/checks/retry", method: .post).status == .conflict)

            // Resubmitted: the last round's results (and the company they named) are gone before the new
            // checks run, so an agent never approves on them.
            try service.store.update(id) { application, _ in
                application.companyName = "ANCIENNE SOCIETE SARL"
                return AuditEntry(at: Date(), actor: "test", action: "company", detail: "")
            }
            let resubmitted = try await client.execute(uri: base + "/submit", method: .post)
            #expect(resubmitted.status == .ok)
            #expect((try object(resubmitted.body)["companyName"] as? String) == nil)
            #expect(try service.dossier(id).application.companyName == nil)
            let late = try await client.execute(uri: base + "/documents/statutes", method: .put, headers: Self.pdf, body: ByteBuffer(string: "%PDF-1.4\n%%EOF\n"))
            #expect(late.status == .conflict)
            #expect(try await client.execute(uri: decision, method: .post, headers: agent, body: ByteBuffer(string: #"{"action":"send_back","reason":"Extrait RCCM illisible"}"#)).status == .ok)

            // What happened, in order, and what the applicant was told.
            let audit = try service.dossier(id).audit.map(\.action)
            #expect(audit.first == "created" && audit.contains("submitted") && audit.contains("resubmitted") && audit.last == "send_back")
            let messages = try service.outbox().map(\.subject)
            #expect(messages.contains { $0.contains("reçue") } && messages.contains { $0.contains("à compléter") })

            let page = try await client.execute(uri: "/demandes/\(id)", method: .get)
            #expect(String(buffer: page.body).contains("Renvoyée pour complément") && String(buffer: page.body).contains("Extrait RCCM illisible"))
            let english = try await client.execute(uri: "/demandes/\(id)?lang=en", method: .get)
            #expect(String(buffer: english.body).contains("Sent back for changes"))
        }
    }

    /// Deliveries are checked on the raw body and deduplicated by event id; events about payments that are
    /// not ours are acknowledged and ignored.
    @Test func webhookDeliveries() async throws {
        try service.store.setSetting("pnpe.webhook", try StoredJSON.encode(AgrementService.StoredEndpoint(id: "we_1", url: "http://localhost:3000/webhooks/pnpe", secret: "whsec_demo")))
        let app = Application(router: AgrementRouter.build(service: service, logger: Self.logger))
        let body = #"{"id":"evt_1","type":"payment.succeeded","data":{"object":{"id":"pay_not_ours"}}}"#
        @Sendable func signed(_ secret: String) -> HTTPFields {
            [.contentType: "application/json", HTTPField.Name("PNPE-Signature")!: WebhookVerifier.header(secret: secret, timestamp: Int64(Date().timeIntervalSince1970), body: Array(body.utf8))]
        }
        try await app.test(.router) { client in
            let forged = try await client.execute(uri: "/webhooks/pnpe", method: .post, headers: signed("whsec_forged"), body: ByteBuffer(string: body))
            #expect(forged.status == .badRequest)
            #expect(try fields(forged.body) == ["PNPE-Signature"])
            let first = try await client.execute(uri: "/webhooks/pnpe", method: .post, headers: signed("whsec_demo"), body: ByteBuffer(string: body))
            #expect(first.status == .ok && String(buffer: first.body).contains("ignored"))
            let again = try await client.execute(uri: "/webhooks/pnpe", method: .post, headers: signed("whsec_demo"), body: ByteBuffer(string: body))
            #expect(again.status == .ok && String(buffer: again.body).contains("duplicate"))
        }
    }

    /// Before the first payment registered the endpoint there is no secret: the delivery is refused with a
    /// 503 that says so (the PNPE delivers again), not with a misleading "signature mismatch".
    @Test func aWebhookBeforeAnyEndpointIsRegistered() async throws {
        let app = Application(router: AgrementRouter.build(service: service, logger: Self.logger))
        let body = #"{"id":"evt_1","type":"payment.succeeded","data":{"object":{"id":"pay_1"}}}"#
        let headers: HTTPFields = [
            .contentType: "application/json",
            HTTPField.Name("PNPE-Signature")!: WebhookVerifier.header(secret: "whsec_any", timestamp: Int64(Date().timeIntervalSince1970), body: Array(body.utf8)),
        ]
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/webhooks/pnpe", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .serviceUnavailable)
            #expect(String(buffer: response.body).contains("webhook-not-registered"))
        }
    }

    @Test func theFormTidiesWhatItKeeps() throws {
        let form = try ApplicationForm(phone: " +229 01.97.00.00.42 ", email: " a@b.bj ", communes: ["Cotonou", " "]).validated(definition: service.definition)
        #expect(form.phone == "+2290197000042" && form.email == "a@b.bj" && form.communes == ["Cotonou"])
        #expect(ApplicationForm().missingForSubmission().count == 9)
    }
}
