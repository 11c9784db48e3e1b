import Foundation
import NIOHTTP1

/// One story of `sandbox demo`, told over HTTP only, as a person with a browser (and a phone) would live
/// it: the applicant's API calls, the payer's answers on the PNPE's checkout and phone simulator, the
/// agent's decision, and the checks anyone can make on the PKI.
struct DemoStory: Sendable {
    let scenario: DemoScenario
    let endpoints: DemoEndpoints
    /// The sandbox admin token, for withdrawing a document at the PKI (`revoked-document` only).
    let adminToken: String?
    let recorder: StoryRecorder
    private let http = SandboxHTTPClient(baseURL: "", token: nil)

    init(scenario: DemoScenario, endpoints: DemoEndpoints, adminToken: String?, recorder: StoryRecorder) {
        self.scenario = scenario
        self.endpoints = endpoints
        self.adminToken = adminToken
        self.recorder = recorder
    }

    func run() async throws {
        let id = try await submit()
        switch scenario {
        case .struckOff:
            // Its last tax certificate expired with the company, so the IFU check fails as well.
            try await expectChecks(id, failing: ["COMPANY_ACTIVE", "TAXES_UP_TO_DATE"])
            try await decide(id, action: "send_back", reason: "Entreprise radiée du RCCM : joignez un extrait RCCM à jour.", expecting: "SENDBACK")
        case .taxArrears:
            try await expectChecks(id, failing: ["TAXES_UP_TO_DATE"])
            try await decide(id, action: "send_back", reason: "Arriérés d'impôts : joignez une attestation fiscale (ANF) valide.", expecting: "SENDBACK")
        case .insufficientFunds:
            try await expectChecks(id, failing: [])
            try await pay(id, payer: "+2290100000011", outcome: "failed")
            try await pay(id, payer: "+2290100000002", outcome: "succeeded")
            try await decide(id, action: "approve", reason: nil, expecting: "APPROVED")
        case .happy, .revokedDocument, .all:
            try await expectChecks(id, failing: [])
            try await pay(id, payer: "+2290100000002", outcome: "succeeded")
            try await decide(id, action: "approve", reason: nil, expecting: "APPROVED")
            let document = try await verifyDecision(id)
            if scenario == .revokedDocument { try await withdraw(document) }
        }
    }

    // MARK: Applicant

    private func submit() async throws -> String {
        let (rccm, ifu, npi) = scenario.applicant
        var id = ""
        try await recorder.step("Brouillon enregistré / draft saved") {
            let form: [String: Any] = [
                "rccm": rccm, "ifu": ifu, "representativeNpi": npi, "phone": "+229 01 97 00 00 42", "email": "contact@demo-fai.bj", "serviceType": "FIXED",
                "communes": ["Cotonou", "Abomey-Calavi"], "upstreamProviders": ["Opérateur amont A (illustratif)"], "capacityMbps": 1000,
            ]
            let draft = try await call(.POST, endpoints.eService + "/api/v1/applications", json: form, expect: 201)
            id = draft["id"].string ?? ""
            return [draft["page"].string ?? ""]
        }
        try await recorder.step("Pièces justificatives téléversées (PDF) / documents uploaded") {
            let documents = try await call(.GET, endpoints.eService + "/api/v1/applications/\(id)", expect: 200)["documents"].array.compactMap { $0["code"].string }
            for code in documents {
                let pdf = Array("%PDF-1.4\n% \(code) — pièce illustrative du bac à sable\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".utf8)
                _ = try await call(.PUT, endpoints.eService + "/api/v1/applications/\(id)/documents/\(code)?filename=\(code).pdf", body: pdf, contentType: "application/pdf", expect: 201)
            }
            return [documents.joined(separator: ", ")]
        }
        try await recorder.step("Demande soumise, contrôles X-Road lancés / submitted") {
            let dossier = try await call(.POST, endpoints.eService + "/api/v1/applications/\(id)/submit", expect: 200)
            guard dossier["status"].string == "PENDING", let number = dossier["number"].string else { throw CLIError("status \(dossier["status"].string ?? "?"), expected PENDING") }
            return ["\(number) — \(dossier["page"].string ?? "")"]
        }
        return id
    }

    /// The three checks, each PASSED except those in `failing` (FAILED: the registry said no).
    private func expectChecks(_ id: String, failing: Set<String>) async throws {
        let title = failing.isEmpty ? "Contrôles RCCM, RNPP, IFU au vert / checks passed" : "Contrôle en échec comme prévu / check failed as expected: \(failing.sorted().joined(separator: ", "))"
        try await recorder.step(title) {
            let checks = try await call(.GET, endpoints.eService + "/api/v1/applications/\(id)", expect: 200)["checks"].array
            guard checks.count == 3 else { throw CLIError("\(checks.count) checks, expected 3") }
            var lines: [String] = []
            for check in checks {
                let kind = check["kind"].string ?? "?", outcome = check["outcome"].string ?? "?"
                let expected = failing.contains(kind) ? "FAILED" : "PASSED"
                lines.append("\(kind) \(outcome): \(check["detail"].string ?? "")")
                if let log = check["messageLog"].array.first?.string { lines.append("  X-Road: \(log)") }
                guard outcome == expected else { throw CLIError("\(kind) is \(outcome), expected \(expected): \(check["detail"].string ?? "")") }
            }
            return lines
        }
    }

    // MARK: Payer

    /// Starts a payment, plays the payer (checkout form, then the phone's PIN prompt), and waits until the
    /// e-service knows the outcome — from the PNPE's webhook, or its own polling.
    private func pay(_ id: String, payer: String, outcome: String) async throws {
        var paymentID = ""
        var checkout = ""
        try await recorder.step("Paiement créé à la PNPE / payment created (\(payer))") {
            let payment = try await call(.POST, endpoints.eService + "/api/v1/applications/\(id)/payment", expect: 201)
            paymentID = payment["paymentID"].string ?? ""
            checkout = payment["checkoutURL"].string ?? ""
            return ["\(paymentID) \(payment["merchantReference"].string ?? "") — \(checkout)"]
        }
        let encoded = payer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? payer
        try await recorder.step(outcome == "succeeded" ? "Le payeur valide sur son téléphone / payer approves" : "Le payeur n'a pas assez d'argent / insufficient funds") {
            _ = try await form(checkout, "method=mtn_momo&msisdn=\(encoded)")
            if outcome == "succeeded" { _ = try await form(endpoints.pnpe + "/payer/\(encoded)/prompts/\(paymentID)", "action=approve&pin=1234") }
            return [endpoints.pnpe + "/payer/\(encoded)"]
        }
        try await recorder.step("L'e-service apprend le résultat (\(outcome)) / the e-service learns it") {
            let payment = try await waitFor("payment \(paymentID) \(outcome) in the e-service") {
                let dossier = try await call(.GET, endpoints.eService + "/api/v1/applications/\(id)", expect: 200)
                return dossier["fee.payments"].array.first { $0["paymentID"].string == paymentID && $0["status"].string == outcome }
            }
            return ["\(paymentID) \(outcome), confirmé par / confirmed by: \(payment["confirmedBy"].string ?? "?")"]
        }
    }

    // MARK: Agent

    private func decide(_ id: String, action: String, reason: String?, expecting status: String) async throws {
        try await recorder.step("L'agent décide : \(action) / agent: \(action)") {
            let session = try await call(.POST, endpoints.eService + "/api/v1/agents/session", json: ["login": "instructeur", "password": "agrement-demo"], expect: 201)
            let token = session["token"].string ?? ""
            var body: [String: Any] = ["action": action]
            if let reason { body["reason"] = reason }
            let dossier = try await call(
                .POST, endpoints.eService + "/api/v1/agents/applications/\(id)/decision", json: body, headers: [("Authorization", "Bearer \(token)")], expect: 200)
            guard dossier["status"].string == status else { throw CLIError("status \(dossier["status"].string ?? "?"), expected \(status)") }
            return [status + (reason.map { " — \($0)" } ?? ""), endpoints.eService + "/agents/dossiers/\(id)", endpoints.eService + "/messages"]
        }
    }

    // MARK: PKI

    /// Downloads the agreement and its `.p7s`, has the PKI validate the signature, and checks the
    /// document's public verification. Returns the document's id.
    private func verifyDecision(_ id: String) async throws -> String {
        var documentID = ""
        try await recorder.step("Agrément scellé vérifié par la PKI / sealed agreement verified") {
            let dossier = try await call(.GET, endpoints.eService + "/api/v1/applications/\(id)", expect: 200)
            documentID = dossier["decision.documentID"].string ?? ""
            let json = try await http.send(.GET, dossier["decision.json"].string ?? "")
            let signature = try await http.send(.GET, dossier["decision.signature"].string ?? "")
            let report = try await call(
                .POST, endpoints.pki + "/pki/v1/validations",
                json: ["signedDocument": ["name": "agrement.json.p7s", "bytes": Data(signature.body).base64EncodedString()],
                       "originalDocuments": [["name": "agrement.json", "bytes": Data(json.body).base64EncodedString()]]],
                expect: 200)
            guard report["validationReport.indication"].string == "TOTAL_PASSED" else { throw CLIError("validation: \(report["validationReport.indication"].string ?? "?") \(report["validationReport.subIndication"].string ?? "")") }
            let verification = try await call(.GET, endpoints.pki + "/pki/v1/documents/\(documentID)/verification", expect: 200)
            guard verification["status"].string == "VALID" else { throw CLIError("document status \(verification["status"].string ?? "?"), expected VALID") }
            return ["TOTAL_PASSED, VALID — \(dossier["decision.verificationURL"].string ?? "")", dossier["decision.html"].string ?? ""]
        }
        return documentID
    }

    /// ARCEP withdraws the agreement at the PKI; the public page must say so.
    private func withdraw(_ documentID: String) async throws {
        try await recorder.step("Agrément retiré : la page de vérification le dit / withdrawn, and the page says so") {
            guard let adminToken else { throw CLIError("the admin token is needed to withdraw a document: --token, SANDBOX_ADMIN_TOKEN or <data-dir>/admin-token") }
            _ = try await call(
                .POST, endpoints.pki + "/pki/v1/documents/\(documentID)/revoke", json: ["reason": "WITHDRAWN"], headers: [("Authorization", "Bearer \(adminToken)")], expect: 200)
            let verification = try await call(.GET, endpoints.pki + "/pki/v1/documents/\(documentID)/verification", expect: 200)
            let page = try await http.send(.GET, endpoints.pki + "/verify/\(documentID)")
            guard verification["status"].string == "REVOKED", page.text.contains("Retiré par l'émetteur") else {
                throw CLIError("after withdrawal the status is \(verification["status"].string ?? "?") and the page does not say 'Retiré par l'émetteur'")
            }
            return ["REVOKED — \(endpoints.pki)/verify/\(documentID)"]
        }
    }

    // MARK: HTTP

    private func call(
        _ method: HTTPMethod, _ url: String, json: [String: Any]? = nil, body: [UInt8]? = nil, contentType: String? = nil, headers: [(String, String)] = [], expect: Int
    ) async throws -> DemoJSON {
        let bytes = try json.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? body
        let reply = try await http.send(method, url, body: bytes, contentType: json != nil ? "application/json" : contentType, headers: headers)
        guard reply.status == expect else { throw CLIError("\(method) \(url): HTTP \(reply.status), expected \(expect): \(reply.text.prefix(400))") }
        return DemoJSON(reply.body)
    }

    /// Posts an HTML form as a browser does; a 303 to the next page is what a successful form answers.
    private func form(_ url: String, _ fields: String) async throws -> SandboxHTTPClient.Reply {
        let reply = try await http.send(.POST, url, body: Array(fields.utf8), contentType: "application/x-www-form-urlencoded")
        guard reply.status < 400 else { throw CLIError("POST \(url): HTTP \(reply.status): \(reply.text.prefix(300))") }
        return reply
    }

    /// Asks until `probe` finds something, for at most 30 s.
    private func waitFor(_ what: String, _ probe: () async throws -> DemoJSON?) async throws -> DemoJSON {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let found = try await probe() { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("timed out waiting for \(what)")
    }
}
