import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SandboxCore
import SandboxCrypto

/// Routes anyone may call: trust anchors, CRLs, OCSP, the TSA. These are what certificates point at
/// (AIA, CDP), so they must answer relying parties that know nothing about the sandbox.
struct PublicRoutes {
    let authority: CertificateAuthority

    func add(to group: RouterGroup<SandboxRequestContext>) {
        group.get("ca", use: listAuthorities)
        group.get("ca/chain.pem", use: chain)
        group.get("ca/:id/certificate", use: certificateDER)
        group.get("ca/:id/certificate.pem", use: certificatePEM)
        group.get("crl/:name", use: crl)
        group.post("ocsp", use: ocspPost)
        group.get("ocsp/**", use: ocspGet)
        group.post("tsa", use: tsa)
        group.post("timestamps", use: timestamp)
        group.get("cps", use: practiceStatement)
        group.get("openapi.yaml", use: openAPI)
    }

    private var urls: PKIURLs { authority.configuration.urls }

    /// `GET /pki/v1/ca`: the CAs and service certificates, with their fingerprints and URLs.
    @Sendable func listAuthorities(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let roles = ["root": "root CA", "issuing": "issuing CA", "ocsp": "OCSP responder", "tsa": "time-stamping authority"]
        let documents = authority.trust.certificatesByID.map { id, certificate in
            CertificateAuthorityDocument(
                id: id, role: roles[id] ?? id, subject: certificate.subject.description, serialNumber: certificate.serialNumber.hex,
                notBefore: certificate.notBefore, notAfter: certificate.notAfter, fingerprintSha256: certificate.fingerprintSHA256,
                keyAlgorithm: certificate.publicKey.algorithmDescription,
                urls: .init(
                    certificate: urls.caCertificate(id), certificatePem: urls.caCertificate(id) + ".pem",
                    crl: CRLPublisher.caIDs.contains(id) ? urls.crl(id) : nil,
                    ocsp: id == "ocsp" ? urls.ocsp : nil, tsa: id == "tsa" ? urls.tsa : nil))
        }
        return try JSONResponse.make(documents)
    }

    @Sendable func chain(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        BinaryResponse.make(Array(authority.trust.chain.map(\.pem).joined().utf8), contentType: "application/pem-certificate-chain")
    }

    private func serviceCertificate(_ context: SandboxRequestContext) throws -> Certificate {
        let id = try context.parameters.require("id")
        guard let certificate = authority.trust.certificatesByID.first(where: { $0.id == id })?.certificate else {
            throw Problem.notFound(what: "CA or service certificate", id: id)
        }
        return certificate
    }

    @Sendable func certificateDER(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        BinaryResponse.make(try serviceCertificate(context).der, contentType: "application/pkix-cert")
    }

    @Sendable func certificatePEM(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        BinaryResponse.make(Array(try serviceCertificate(context).pem.utf8), contentType: "application/x-pem-file")
    }

    /// `GET /pki/v1/crl/{caId}.crl` (DER) or `.pem`.
    @Sendable func crl(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let file = try context.parameters.require("name")
        let parts = file.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["crl", "pem"].contains(parts[1]) else {
            throw Problem.notFound(what: "CRL", id: "\(file) (use root.crl, issuing.crl, or .pem)")
        }
        let crl = try authority.crl(caID: parts[0])
        var response = parts[1] == "crl"
            ? BinaryResponse.make(crl.der, contentType: "application/pkix-crl")
            : BinaryResponse.make(Array(crl.pem.utf8), contentType: "application/x-pem-file")
        if let next = crl.nextUpdate {
            let seconds = max(0, Int(next.timeIntervalSince(authority.clock.now())))
            response.headers[.cacheControl] = "public, max-age=\(min(seconds, 3600))"
        }
        return response
    }

    /// `POST /pki/v1/ocsp` with `application/ocsp-request`.
    @Sendable func ocspPost(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await RawBody.read(request, accepted: ["application/ocsp-request"], limit: 16 * 1024)
        return answerOCSP(body, context: context)
    }

    /// `GET /pki/v1/ocsp/{base64 DER}` (RFC 6960 App. A.1, RFC 5019): the request base64-encoded, then
    /// URL-encoded. Clients that forget to URL-encode put raw `/` in the path, hence the catch-all.
    @Sendable func ocspGet(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let encoded = context.parameters.getCatchAll().joined(separator: "/")
        let text = encoded.removingPercentEncoding ?? encoded
        guard text.count <= 4096, let der = try? InputParsing.base64(text, field: "path") else {
            return BinaryResponse.make(OCSPResponseBuilder.error(.malformedRequest), contentType: "application/ocsp-response")
        }
        return answerOCSP(der, context: context)
    }

    private func answerOCSP(_ der: [UInt8], context: SandboxRequestContext) -> Response {
        let (response, outcome) = authority.ocspResponse(to: der)
        context.logger.debug("OCSP \(outcome)")
        var http = BinaryResponse.make(response, contentType: "application/ocsp-response")
        http.headers[HTTPField.Name("X-Sandbox-OCSP")!] = String(outcome.prefix(200))
        return http
    }

    /// `POST /pki/v1/tsa`: RFC 3161 over HTTP. Accepts the query content type of RFC 3161 §3.4; answers
    /// `application/timestamp-reply` (X-Road's test CA says `-response`; clients accept the RFC one).
    @Sendable func tsa(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await RawBody.read(request, accepted: ["application/timestamp-query"], limit: 16 * 1024)
        return BinaryResponse.make(try authority.timestampReply(to: body), contentType: "application/timestamp-reply")
    }

    /// `POST /pki/v1/timestamps`: a JSON convenience around the TSA.
    @Sendable func timestamp(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: TimestampBody.self, context: context)
        let algorithmName = body.digestAlgorithm ?? "SHA256"
        guard let algorithm = DigestAlgorithm(name: algorithmName), algorithm != .sha1 else {
            throw Problem.badRequest(field: "digestAlgorithm", detail: "use SHA256, SHA384 or SHA512 (got \(algorithmName))")
        }
        let digest: [UInt8]
        switch (body.digest, body.data) {
        case (let value?, nil):
            digest = try InputParsing.base64(value, field: "digest")
            guard digest.count == algorithm.length else {
                throw Problem.badRequest(field: "digest", detail: "a \(algorithm.rawValue) digest has \(algorithm.length) bytes; this one has \(digest.count)")
            }
        case (nil, let value?):
            digest = algorithm.hash(try InputParsing.base64(value, field: "data"))
        default:
            throw Problem.badRequest(field: "digest", detail: "give either digest (base64 of the hash) or data (base64 of the content), not both")
        }
        let token = try authority.timestamp(digestAlgorithm: algorithm, digest: digest)
        let tsa = authority.trust.tsa
        return try JSONResponse.make(
            TimestampDocument(
                token: Data(token.der).base64EncodedString(), genTime: token.genTime ?? authority.clock.now(),
                serialNumber: token.serialNumber.hex, policy: token.policy, digestAlgorithm: algorithm.rawValue,
                digest: Data(digest).base64EncodedString(),
                tsa: .init(subject: tsa.subject.description, fingerprintSha256: tsa.fingerprintSHA256)),
            status: .created)
    }

    /// The OpenAPI description of this API, shipped with the module.
    @Sendable func openAPI(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let bytes = try? Data(contentsOf: url) else {
            throw Problem.internal(detail: "the OpenAPI description is missing from this build (Sources/PKI/Resources/openapi.yaml)")
        }
        return BinaryResponse.make([UInt8](bytes), contentType: "application/yaml")
    }

    /// The page the certificates' CPS qualifier points at.
    @Sendable func practiceStatement(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let html = PracticeStatementPage.render(language: request.language, trust: authority.trust, profiles: authority.profiles)
        return BinaryResponse.make(Array(html.utf8), contentType: "text/html; charset=utf-8")
    }
}
