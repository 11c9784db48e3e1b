import Crypto
import Foundation
import Logging
import SandboxCore
import Synchronization

/// The e-service's domain: drafts, documents, submission and checks, the fee, the agents' decisions.
/// Plain Swift over its own SQLite file and three HTTP clients (X-Road, PNPE, PKI); the routes only
/// translate HTTP to these calls. Split by concern: `+Fee`, `+Decisions`, `+Agents`.
public final class AgrementService: Sendable {
    public let configuration: AgrementConfiguration
    public let definition: ServiceDefinition
    let store: ApplicationStore
    let clock: any SandboxClock
    let logger: Logger
    let xroad: XRoadClient
    let registryChecks: RegistryChecks
    let pnpe: PNPEClient
    let pki: PKIClient
    let notifier: Notifier
    /// The webhook endpoint once confirmed with the PNPE in this process (id and secret).
    let webhookEndpoint = Mutex<(id: String, secret: String)?>(nil)
    /// Requests an agent is deciding right now: a second click waits for nothing and gets a 409.
    let deciding = Mutex<Set<String>>([])
    /// Requests whose fee payment is being created right now: a second click gets a 409, not a second payment.
    let paying = Mutex<Set<String>>([])
    /// Whether the webhook endpoint is being registered with the PNPE (once at a time: each registration
    /// makes a new secret).
    let registeringEndpoint = Mutex(false)

    public init(configuration: AgrementConfiguration, clock: any SandboxClock = SystemClock(), logger: Logger) throws {
        self.configuration = configuration
        definition = try ServiceDefinition.load(contentsOf: configuration.definitionFile)
        store = try ApplicationStore(path: configuration.databasePath)
        self.clock = clock
        self.logger = logger
        let http = UpstreamHTTP(timeout: configuration.requestTimeout)
        xroad = XRoadClient(securityServerURL: configuration.securityServerURL, client: configuration.xroadClient, http: http)
        registryChecks = RegistryChecks(xroad: xroad, clock: clock)
        pnpe = PNPEClient(baseURL: configuration.pnpeURL, secretKey: configuration.pnpeSecretKey, http: http)
        pki = PKIClient(baseURL: configuration.pkiURL, token: configuration.pkiToken, http: http)
        notifier = Notifier(store: store, clock: clock, publicBaseURL: configuration.publicBaseURL)
    }

    // MARK: Drafts

    /// Starts a request as a draft; fields may come later.
    public func create(_ form: ApplicationForm) throws -> Application {
        let now = clock.now()
        let application = Application(
            id: Identifier.random(prefix: "dem", bytes: 10).lowercased(), status: .draft, form: try form.validated(definition: definition), createdAt: now,
            updatedAt: now)
        try store.insert(application, audit: AuditEntry(at: now, actor: "applicant", action: "created", detail: "brouillon / draft"))
        return application
    }

    /// Saves fields of a draft (or of a request sent back); fields left out keep their value.
    public func update(_ id: String, _ form: ApplicationForm) throws -> Application {
        let checked = try form.validated(definition: definition)
        return try store.update(id) { application, _ in
            try Self.require(Workflow.next(.edit, from: application.status))
            application.form = application.form.merged(with: checked)
            application.updatedAt = clock.now()
            return AuditEntry(at: application.updatedAt, actor: "applicant", action: "edited", detail: "formulaire / form")
        }
    }

    /// Stores a supporting document after checking its code, its size and that it is a PDF.
    public func upload(_ id: String, code: String, filename: String?, bytes: [UInt8]) throws -> StoredDocument {
        guard let required = definition.document(code) else {
            throw Problem.badRequest(field: "document", detail: "unknown document \(code); expected one of \(definition.requiredDocuments.map(\.code).joined(separator: ", "))")
        }
        guard bytes.count <= definition.maxDocumentBytes else { throw Problem.payloadTooLarge(limit: definition.maxDocumentBytes) }
        guard bytes.starts(with: Array("%PDF-".utf8)) else {
            throw Problem.badRequest(field: "file", detail: "\(required.en) must be a PDF (the file does not start with %PDF-)")
        }
        guard let application = try store.application(id) else { throw Problem.notFound(what: "request", id: id) }
        try Self.require(Workflow.next(.edit, from: application.status))
        let name = Self.safeFilename(filename, fallback: "\(code).pdf")
        let document = StoredDocument(
            code: code, filename: name, size: bytes.count, sha256: Hex.encode(Array(SHA256.hash(data: bytes)), uppercase: false), uploadedAt: clock.now())
        try store.putDocument(
            document, bytes: bytes, applicationID: id, requireEditable: { try Self.require(Workflow.next(.edit, from: $0)) }, audit: AuditEntry(at: document.uploadedAt, actor: "applicant", action: "document", detail: "\(code) sha256=\(document.sha256)"))
        return document
    }

    // MARK: Submission and checks

    /// Submits a complete draft (or resubmits a request sent back): gives it its file number, then runs the
    /// registry checks through X-Road. The status changes first, in one transaction, so a second submission
    /// is refused whatever the checks do.
    public func submit(_ id: String) async throws -> Application {
        let submitted = try store.update(id) { application, tx in
            let next = try Self.require(Workflow.next(.submit, from: application.status))
            let missing = application.form.missingForSubmission()
            let uploaded = Set(try tx.query("SELECT code FROM documents WHERE application_id = ?", [.text(id)]).map { try $0.string("code") })
            let missingDocuments = definition.requiredDocuments.map(\.code).filter { !uploaded.contains($0) }
            if !missing.isEmpty || !missingDocuments.isEmpty {
                let errors = missing.map { Problem.FieldError(field: $0, message: "is required to submit") }
                    + missingDocuments.map { Problem.FieldError(field: "documents.\($0)", message: "this PDF is required to submit") }
                throw ApplicationForm.problem(errors)
            }
            let now = clock.now()
            if application.number == nil {
                let year = Calendar(identifier: .gregorian).component(.year, from: now)
                application.number = Application.fileNumber(year: year, sequence: try ApplicationStore.nextSequence(year: year, tx))
            }
            let resubmission = application.status == .sendBack
            // The applicant may have changed the company or the representative while the file was sent
            // back: the last results no longer describe it, and an agent must not approve on them.
            try tx.execute("DELETE FROM checks WHERE application_id = ?", [.text(id)])
            application.companyName = nil
            application.status = next
            application.submittedAt = now
            application.updatedAt = now
            return AuditEntry(at: now, actor: "applicant", action: resubmission ? "resubmitted" : "submitted", detail: application.number ?? "")
        }
        notifier.submitted(submitted, definition: definition)
        return try await runChecks(submitted, kinds: Set(RegistryCheck.Kind.allCases))
    }

    /// Runs again the checks that did not give an answer (or all of them with `all`), on a PENDING request.
    public func retryChecks(_ id: String, all: Bool = false) async throws -> Application {
        guard let application = try store.application(id) else { throw Problem.notFound(what: "request", id: id) }
        guard application.status == .pending else {
            throw Problem.conflict(detail: "the request is \(application.status.rawValue): checks run only on a PENDING request")
        }
        let kinds = all ? Set(RegistryCheck.Kind.allCases) : Set(try store.checks(id).filter { $0.outcome == .error }.map(\.kind))
        guard !kinds.isEmpty else { return application }
        return try await runChecks(application, kinds: kinds.union(kinds.contains(.company) ? [.representative] : []))
    }

    private func runChecks(_ application: Application, kinds: Set<RegistryCheck.Kind>) async throws -> Application {
        let (checks, companyName) = await registryChecks.run(form: application.form, fileNumber: application.number ?? application.id, kinds: kinds)
        let summary = checks.map { "\($0.kind.rawValue)=\($0.outcome.rawValue)" }.joined(separator: " ")
        try store.putChecks(checks, applicationID: application.id, audit: AuditEntry(at: clock.now(), actor: "system", action: "checks", detail: summary))
        guard let companyName, companyName != application.companyName else { return application }
        return try store.update(application.id) { application, _ in
            application.companyName = companyName
            return AuditEntry(at: clock.now(), actor: "system", action: "company", detail: companyName)
        }
    }

    // MARK: Reading

    /// Everything about one request, for its pages and the API.
    public func dossier(_ id: String) throws -> Dossier {
        guard let application = try store.application(id) else { throw Problem.notFound(what: "request", id: id) }
        return Dossier(
            application: application, documents: try store.documents(id), checks: try store.checks(id), payments: try store.payments(id),
            decision: try store.decision(id), audit: try store.audit(id), messages: try store.outbox(applicationID: id))
    }

    public func document(_ id: String, code: String) throws -> (StoredDocument, [UInt8]) {
        guard let found = try store.documentBytes(id, code: code) else { throw Problem.notFound(what: "document", id: "\(code) of \(id)") }
        return found
    }

    public func outbox() throws -> [OutboxMessage] { try store.outbox() }

    /// The `/asic` link of an exchange on the e-service's security server.
    public func messageLogURL(_ xroadID: String) -> String { xroad.messageLogURL(xroadID) }

    // MARK: Helpers

    /// The workflow's answer, or a 409 problem with its reason.
    @discardableResult
    static func require(_ result: Result<FileStatus, WorkflowError>) throws -> FileStatus {
        switch result {
        case .success(let status): return status
        case .failure(let error):
            var problem = Problem.conflict(detail: error.reason)
            problem.extensions = ["status": error.status.rawValue, "action": error.action.rawValue]
            throw problem
        }
    }

    /// A file name safe to show and to put in a header: letters, digits, `.`, `-`, `_`.
    static func safeFilename(_ name: String?, fallback: String) -> String {
        let base = (name ?? "").split(separator: "/").last.map(String.init) ?? ""
        let cleaned = String(base.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }.prefix(80))
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? fallback : cleaned
    }
}

/// A request with everything attached to it.
public struct Dossier: Sendable {
    public let application: Application
    public let documents: [StoredDocument]
    public let checks: [RegistryCheck]
    public let payments: [FeePayment]
    public let decision: Decision?
    public let audit: [AuditEntry]
    public let messages: [OutboxMessage]

    public var readiness: Workflow.Readiness { .init(checks: checks, payments: payments) }
    public var feePaid: Bool { readiness.feePaid }
    public var checksPassed: Bool { readiness.checksPassed }
    public var openPayment: FeePayment? { payments.last(where: \.isOpen) }
}
