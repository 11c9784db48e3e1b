import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore
import SandboxCrypto

/// Routes of the registration authority (bearer admin token): issue, list, inspect, revoke.
struct AdminRoutes {
    let authority: CertificateAuthority

    func add(to group: RouterGroup<SandboxRequestContext>) {
        group.post("certificates", use: issue)
        group.post("certificates/keypair", use: generateKeyPair)
        group.get("certificates", use: list)
        group.get("certificates/:serial", use: details)
        group.get("certificates/:serial/status", use: status)
        group.post("certificates/:serial/revoke", use: revoke)
        group.post("crl/:name", use: publishCRL)
    }

    private var urls: PKIURLs { authority.configuration.urls }

    /// `POST /pki/v1/certificates`: certify the key of a PKCS#10 CSR under a profile.
    @Sendable func issue(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: IssueCertificateBody.self, context: context)
        let csr = try InputParsing.csr(body.csr)
        let certificate = try authority.issue(
            IssuanceRequest(csr: csr, profile: body.profile, subject: body.subject, subjectAltNames: body.subjectAltNames, validityDays: body.validityDays))
        let document = IssuedCertificateDocument(
            certificate, profile: body.profile, chain: body.includeChain == false ? nil : authority.trust.chain, urls: urls)
        return try JSONResponse.make(document, status: .created, headers: [.location: document.links.`self`])
    }

    /// `POST /pki/v1/certificates/keypair`: sandbox-only server-side key generation.
    @Sendable func generateKeyPair(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: GenerateKeyPairBody.self, context: context)
        let algorithmName = body.keyAlgorithm ?? "EC-P256"
        guard let algorithm = KeyAlgorithm(name: algorithmName) else {
            throw Problem.badRequest(field: "keyAlgorithm", detail: "use EC-P256, EC-P384, RSA-2048, RSA-3072 or RSA-4096 (got \(algorithmName))")
        }
        let format = (body.format ?? "PEM").uppercased()
        guard format == "PEM" || format == "PKCS12" else {
            throw Problem.badRequest(field: "format", detail: "use PEM or PKCS12")
        }
        if format == "PKCS12", (body.password ?? "").count < 4 {
            throw Problem.badRequest(field: "password", detail: "a PKCS#12 file needs a password of at least 4 characters")
        }
        let (certificate, key) = try authority.issueWithGeneratedKey(
            profile: body.profile, subject: body.subject, subjectAltNames: body.subjectAltNames,
            keyAlgorithm: algorithm, validityDays: body.validityDays)
        var document = IssuedCertificateDocument(certificate, profile: body.profile, chain: authority.trust.chain, urls: urls)
        if format == "PKCS12" {
            let bundle = try PKCS12.export(
                key: key, certificate: certificate, chain: authority.trust.chain, password: body.password ?? "",
                friendlyName: certificate.subject.commonName ?? certificate.serialNumber.hex)
            document.pkcs12 = Data(bundle).base64EncodedString()
        } else {
            document.privateKey = try key.pkcs8PEM()
        }
        document.warning = "sandbox-only: the PKI generated this private key and saw it; a real CA never does. Do not use it outside the sandbox."
        return try JSONResponse.make(document, status: .created, headers: [.location: document.links.`self`])
    }

    /// `GET /pki/v1/certificates?profile=&status=&limit=&cursor=`.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var status: CertificateStatus?
        if let text = query.get("status") {
            guard let parsed = CertificateStatus(rawValue: text.uppercased()), parsed != .unknown else {
                throw Problem.badRequest(field: "status", detail: "use GOOD or REVOKED")
            }
            status = parsed
        }
        let limitText = query.get("limit") ?? "50"
        guard let limit = Int(limitText), (1...500).contains(limit) else {
            throw Problem.badRequest(field: "limit", detail: "limit is a number from 1 to 500")
        }
        var cursor: (Int64, String)?
        if let text = query.get("cursor") {
            let parts = text.split(separator: "-", maxSplits: 1)
            guard parts.count == 2, let issued = Int64(parts[0]), let serial = SerialNumber(hex: String(parts[1])) else {
                throw Problem.badRequest(field: "cursor", detail: "use the nextCursor value of the previous page")
            }
            cursor = (issued, serial.hex)
        }
        let records = try authority.repository.list(profile: query.get("profile"), status: status, limit: limit + 1, after: cursor)
        let page = Array(records.prefix(limit))
        let next = records.count > limit ? page.last.map { "\(Int64($0.issuedAt.timeIntervalSince1970))-\($0.serialNumber.hex)" } : nil
        return try JSONResponse.make(CertificateListDocument(items: page.map(CertificateSummaryDocument.init), nextCursor: next))
    }

    @Sendable func details(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let serial = try InputParsing.serial(try context.parameters.require("serial"))
        return try JSONResponse.make(try CertificateDetailsDocument(authority.status(serial: serial)))
    }

    @Sendable func status(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let serial = try InputParsing.serial(try context.parameters.require("serial"))
        let record = try authority.status(serial: serial)
        return try JSONResponse.make(
            CertificateStatusDocument(
                serialNumber: record.serialNumber.hex, status: record.status.rawValue, revocationTime: record.revocationTime,
                reason: record.status == .revoked ? (record.revocationReason ?? .unspecified).name : nil,
                notAfter: record.notAfter, expired: record.notAfter < authority.clock.now()))
    }

    /// `POST /pki/v1/certificates/{serial}/revoke` with `{"reason": "keyCompromise"}`.
    @Sendable func revoke(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let serial = try InputParsing.serial(try context.parameters.require("serial"))
        let body = try await request.decode(as: RevokeBody.self, context: context)
        let reason: RevocationReason
        switch (body.reason, body.reasonCode) {
        case (let name?, _):
            guard let parsed = RevocationReason(name: name) else {
                throw Problem.badRequest(
                    field: "reason", detail: "unknown reason \"\(name)\"; use one of \(RevocationReason.allCases.map(\.name).joined(separator: ", "))")
            }
            reason = parsed
        case (nil, let code?):
            guard let parsed = RevocationReason(rawValue: code) else {
                throw Problem.badRequest(field: "reasonCode", detail: "RFC 5280 reason codes are 0–6 and 8–10")
            }
            reason = parsed
        case (nil, nil):
            reason = .unspecified
        }
        let (record, crlNumber) = try authority.revoke(serial: serial, reason: reason, at: body.revocationTime)
        return try JSONResponse.make(
            RevocationResultDocument(
                serialNumber: record.serialNumber.hex, status: record.status.rawValue,
                revocationTime: record.revocationTime ?? authority.clock.now(), reason: reason.name, crlNumber: crlNumber,
                crl: urls.crl(record.issuerID)))
    }

    /// `POST /pki/v1/crl/{caId}`: publish a new CRL now.
    @Sendable func publishCRL(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let caID = try context.parameters.require("name")
        let crl = try authority.publishCRL(caID: caID)
        return try JSONResponse.make(
            CRLDocument(
                ca: caID, crlNumber: crl.number ?? 0, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate,
                revokedCount: crl.revoked.count, urls: ["der": urls.crl(caID), "pem": urls.base + "/pki/v1/crl/\(caID).pem"]),
            status: .created)
    }
}
