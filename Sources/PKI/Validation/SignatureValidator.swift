import Foundation
import SandboxCore
import SandboxCrypto

/// Validates CAdES and JWS signatures the way ETSI EN 319 102-1 describes (as mapped in reference pki.md
/// §2.5): a bad signature is a report with TOTAL_FAILED, never an error. Trust anchor: the sandbox root.
struct SignatureValidator {
    let authority: CertificateAuthority

    func validate(signature bytes: [UInt8], name: String, originals: [DocumentInput], at validationTime: Date, detailed: Bool) -> ValidationReport {
        var report: SignatureReport
        var form = "CAdES"
        if let compact = JWSCompact(bytes) {
            form = "JAdES"
            report = validateJWS(compact, originals: originals, at: validationTime)
        } else if let signature = try? CAdESSignature(der: Self.derFromPossiblePEM(bytes)) {
            report = validateCAdES(signature, originals: originals, at: validationTime)
        } else {
            var outcome = Outcome(format: "UNKNOWN", validationTime: validationTime)
            outcome.fail(.formatFailure, block: "FC", key: "SIGNATURE_NOT_PARSABLE")
            report = outcome.report()
            form = "UNKNOWN"
        }
        if !detailed { report.checks = report.checks.map { ValidationCheck(block: $0.block, key: $0.key, status: $0.status) } }
        let valid = report.indication == .totalPassed ? 1 : 0
        return ValidationReport(
            id: Identifier.random(prefix: "vr"), validationTime: validationTime,
            policy: .init(name: "SANDBOX-BJ-DEFAULT", description: "Trust anchor: the sandbox root. Revocation from the sandbox OCSP responder and CRLs. Illustrative, not qualified."),
            documentName: name, signatureForm: form, signaturesCount: 1, validSignaturesCount: valid,
            indication: report.indication, subIndication: report.subIndication, reportType: detailed ? "DETAILED" : "SIMPLE", signatures: [report])
    }

    /// `openssl cms -outform PEM` writes `-----BEGIN CMS-----`; older tools write PKCS7.
    static func derFromPossiblePEM(_ bytes: [UInt8]) -> [UInt8] {
        guard PEM.looksLikePEM(bytes) else { return bytes }
        let text = String(decoding: bytes, as: UTF8.self)
        return PEM.decodeAll(text, label: "CMS").first ?? PEM.decodeAll(text, label: "PKCS7").first ?? []
    }

    /// A certificate alone: path to the sandbox root and revocation, at `validationTime`.
    func validateCertificate(_ certificate: Certificate, chain: [Certificate], at validationTime: Date) -> CertificateValidationReport {
        var outcome = Outcome(format: "X509", validationTime: validationTime)
        outcome.identify(certificate)
        validatePath(signer: certificate, intermediates: chain, outcome: &outcome)
        let result = outcome.report()
        let indication: Indication = switch result.indication {
        case .totalPassed: .passed
        case .totalFailed: .failed
        default: result.indication
        }
        let extensions = certificate.extensions
        return CertificateValidationReport(
            id: Identifier.random(prefix: "vr"), validationTime: validationTime, subject: certificate.subject.description,
            serialNumber: certificate.serialNumber.hex, notBefore: certificate.notBefore, notAfter: certificate.notAfter,
            keyUsage: extensions.keyUsage.map(\.rawValue), extendedKeyUsage: extensions.extendedKeyUsage, ocspUrl: extensions.ocspURLs.first,
            crlUrl: extensions.crlDistributionPoints.first, aiaUrl: extensions.caIssuersURLs.first,
            revocation: result.certificateChain.first?.revocation, trustAnchor: result.certificateChain.last.flatMap { $0.trusted ? $0.subject : nil },
            indication: indication, subIndication: result.subIndication, chain: result.certificateChain, checks: result.checks,
            errors: result.errors, warnings: result.warnings)
    }

    // MARK: CAdES

    private func validateCAdES(_ signature: CAdESSignature, originals: [DocumentInput], at validationTime: Date) -> SignatureReport {
        // Parsed once: each of these decodes certificates, which OpenSSL 3 does slowly.
        let timestamp = signature.signatureTimestamp
        let embedded = signature.certificates
        var outcome = Outcome(format: timestamp == nil ? "CAdES_BASELINE_B" : "CAdES_BASELINE_T", validationTime: validationTime)
        outcome.pass("FC", "FORMAT")
        outcome.claimedSigningTime = signature.signingTime
        guard let signer = signature.signerCertificate(among: embedded) else {
            outcome.fail(.noSigningCertificateFound, block: "ISC", key: "SIGNING_CERTIFICATE_NOT_FOUND")
            return outcome.report()
        }
        outcome.identify(signer)
        outcome.pass("ISC", signature.hasSigningCertificateV2 ? "SIGNING_CERTIFICATE_V2" : "SIGNING_CERTIFICATE_IDENTIFIED")

        guard let algorithm = signature.digestAlgorithm, algorithm != .sha1 else {
            outcome.fail(.cryptoConstraintsFailureNoPOE, block: "SAV", key: "DIGEST_ALGORITHM_REFUSED")
            return outcome.report()
        }
        // Hash: the messageDigest attribute against the document (or the digest given instead).
        if let original = originals.first, let digest = original.digest(algorithm) {
            outcome.scopes = [.init(name: original.name, scope: { if case .bytes = original { "FULL" } else { "DIGEST" } }())]
            if case .digest = original { outcome.infos.append(ValidationMessages.message("DIGEST_ONLY")) }
            if signature.messageDigest == digest { outcome.pass("CV", "DIGEST_MATCH") } else { outcome.fail(.hashFailure, block: "CV", key: "HASH_FAILURE") }
        } else {
            outcome.fail(.signedDataNotFound, block: "CV", key: "SIGNED_DATA_NOT_FOUND")
        }
        if signature.isSignatureValid(with: signer) { outcome.pass("CV", "SIGNATURE_VALUE") } else { outcome.fail(.sigCryptoFailure, block: "CV", key: "SIG_CRYPTO_FAILURE") }

        // Proof of existence: a valid signature timestamp over the signature value.
        if let token = timestamp {
            outcome.timestamps.append(timestampReport(token, over: signature.signatureValue, embedded: embedded, outcome: &outcome))
        }
        validatePath(signer: signer, intermediates: embedded, outcome: &outcome)
        return outcome.report()
    }

    private func timestampReport(_ token: TimestampToken, over signatureValue: [UInt8], embedded: [Certificate], outcome: inout Outcome) -> TimestampReport {
        var indication = Indication.passed
        var sub: SubIndication?
        let imprint = (token.digestAlgorithm ?? .sha256).hash(signatureValue)
        if token.messageImprint != imprint {
            (indication, sub) = (.failed, .hashFailure)
            outcome.warn("POE", "TIMESTAMP_HASH_FAILURE")
        } else {
            do {
                try token.verify(
                    digest: imprint, trustedRoots: [authority.trust.root], untrusted: authority.trust.chain + embedded + token.certificates,
                    at: token.genTime)
                outcome.pass("POE", "TIMESTAMP_VALID")
                if let genTime = token.genTime { outcome.bestSignatureTime = min(outcome.bestSignatureTime, genTime) }
            } catch {
                (indication, sub) = (.indeterminate, .noCertificateChainFound)
                outcome.warn("POE", "TIMESTAMP_NOT_TRUSTED")
            }
        }
        return TimestampReport(
            type: "SIGNATURE_TIMESTAMP", productionTime: token.genTime, producedBy: token.tsaName, serialNumber: token.serialNumber.hex,
            policy: token.policy, indication: indication, subIndication: sub)
    }

    // MARK: JWS

    private func validateJWS(_ jws: JWSCompact, originals: [DocumentInput], at validationTime: Date) -> SignatureReport {
        var outcome = Outcome(format: "JAdES_BASELINE_B", validationTime: validationTime)
        guard let header = jws.header else {
            outcome.fail(.formatFailure, block: "FC", key: "SIGNATURE_NOT_PARSABLE")
            return outcome.report()
        }
        outcome.pass("FC", "FORMAT")
        if let sigT = header["sigT"] as? String { outcome.claimedSigningTime = ISO8601DateFormatter().date(from: sigT) }
        let certificates = ((header["x5c"] as? [String]) ?? []).compactMap { Data(base64Encoded: $0).flatMap { try? Certificate(der: [UInt8]($0)) } }
        guard let signer = certificates.first else {
            outcome.fail(.noSigningCertificateFound, block: "ISC", key: "SIGNING_CERTIFICATE_NOT_FOUND")
            return outcome.report()
        }
        outcome.identify(signer)
        outcome.pass("ISC", "SIGNING_CERTIFICATE_IDENTIFIED")
        var payload = jws.payload
        if payload == nil, let original = originals.first, case .bytes(let name, let bytes) = original {
            payload = bytes
            outcome.scopes = [.init(name: name, scope: "FULL")]
        }
        if let payload {
            let input = Array("\(jws.encodedHeader).\(Base64URL.encode(payload))".utf8)
            if JWSSigner.verify(jws.signature, signingInput: input, key: signer.publicKey) {
                outcome.pass("CV", "SIGNATURE_VALUE")
            } else {
                outcome.fail(.sigCryptoFailure, block: "CV", key: "SIG_CRYPTO_FAILURE")
            }
        } else {
            outcome.fail(.signedDataNotFound, block: "CV", key: "SIGNED_DATA_NOT_FOUND")
        }
        validatePath(signer: signer, intermediates: Array(certificates.dropFirst()), outcome: &outcome)
        return outcome.report()
    }

    // MARK: Path and revocation

    private func validatePath(signer: Certificate, intermediates: [Certificate], outcome: inout Outcome) {
        let trust = authority.trust
        let helpers = intermediates + [trust.issuing]
        guard var path = try? PathValidation.verify(signer, trustAnchors: [trust.root], intermediates: helpers, at: outcome.validationTime) else {
            outcome.fail(.noCertificateChainFound, block: "XCV", key: "NO_CERTIFICATE_CHAIN_FOUND")
            return
        }
        if path.isOutOfValidity, outcome.bestSignatureTime < outcome.validationTime,
            let atPOE = try? PathValidation.verify(signer, trustAnchors: [trust.root], intermediates: helpers, at: outcome.bestSignatureTime), atPOE.isValid
        {
            outcome.warn("XCV", "CERTIFICATE_VALID_AT_TIMESTAMP")
            path = atPOE
        }
        outcome.chain = path.chain.map { certificate in
            ChainEntryReport(
                subject: certificate.subject.description, serialNumber: certificate.serialNumber.hex, notBefore: certificate.notBefore,
                notAfter: certificate.notAfter, fingerprintSha256: certificate.fingerprintSHA256, trusted: certificate == trust.root)
        }
        if path.isUntrusted {
            outcome.fail(.noCertificateChainFound, block: "XCV", key: "NO_CERTIFICATE_CHAIN_FOUND", detail: path.errorText)
            return
        }
        if path.isOutOfValidity {
            outcome.fail(.outOfBoundsNoPOE, block: "XCV", key: "CERTIFICATE_OUT_OF_VALIDITY", detail: path.errorText)
        } else if !path.isValid {
            outcome.fail(.chainConstraintsFailure, block: "XCV", key: "CHAIN_CONSTRAINTS_FAILURE", detail: path.errorText)
        } else {
            outcome.pass("XCV", "CHAIN_TRUSTED")
        }
        let usage = signer.extensions.keyUsage
        if usage.isEmpty || usage.contains(.digitalSignature) || usage.contains(.nonRepudiation) {
            outcome.pass("SAV", "KEY_USAGE")
        } else {
            outcome.fail(.chainConstraintsFailure, block: "SAV", key: "KEY_USAGE")
        }
        checkRevocation(path: path.chain, outcome: &outcome)
        outcome.warnings.append(ValidationMessages.message("NOT_QUALIFIED"))
    }

    /// The signer's status from the sandbox OCSP responder (a real request and response), the issuing CA's
    /// from the root's CRL; then the proof-of-existence rules for a revoked certificate.
    private func checkRevocation(path: [Certificate], outcome: inout Outcome) {
        guard path.count >= 2 else { return }
        for (index, certificate) in path.enumerated() where index < path.count - 1 {
            let issuer = path[index + 1]
            var revocation: RevocationReport
            var revokedAt: Date?
            if issuer == authority.trust.issuing, let request = try? OCSPRequest.create(certificate: certificate, issuer: issuer),
                let response = try? OCSPResponse(der: authority.ocspResponse(to: request.der).response), let single = response.responses.first
            {
                revocation = RevocationReport(
                    status: single.status.name, source: "OCSP", producedAt: response.producedAt, thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate)
                if case .revoked(let time, let reason) = single.status {
                    revokedAt = time
                    revocation.revocationTime = time
                    revocation.reason = (reason ?? .unspecified).name
                }
            } else if issuer == authority.trust.root, let crl = try? authority.crl(caID: "root") {
                let entry = crl.revoked.first { $0.serialNumber == certificate.serialNumber }
                revocation = RevocationReport(
                    status: entry == nil ? "GOOD" : "REVOKED", source: "CRL", thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate,
                    crlNumber: crl.number, revocationTime: entry?.revocationDate, reason: entry.map { ($0.reason ?? .unspecified).name })
                revokedAt = entry?.revocationDate
            } else {
                revocation = RevocationReport(status: "UNKNOWN", source: "NONE")
            }
            outcome.chain[index].revocation = revocation
            let isSigner = index == 0
            if revocation.status == "UNKNOWN" {
                outcome.fail(.tryLater, block: "XCV", key: "REVOCATION_UNKNOWN")
            } else if let revokedAt {
                let proven = outcome.timestamps.contains { $0.indication == .passed } && outcome.bestSignatureTime < revokedAt
                if proven {
                    outcome.warn("XCV", "REVOKED_AFTER_TIMESTAMP")
                } else if isSigner {
                    let timestamped = outcome.timestamps.contains { $0.indication == .passed }
                    outcome.fail(timestamped ? .revoked : .revokedNoPOE, block: "XCV", key: timestamped ? "REVOKED" : "REVOKED_NO_POE")
                } else {
                    outcome.fail(.revokedCANoPOE, block: "XCV", key: "REVOKED_CA_NO_POE")
                }
            } else if isSigner {
                outcome.pass("XCV", "REVOCATION_FRESH")
            }
        }
    }
}

/// What one signature's validation has found so far; ``report()`` turns it into the final verdict.
struct Outcome {
    let format: String
    let validationTime: Date
    var bestSignatureTime: Date
    var claimedSigningTime: Date?
    var signer: Certificate?
    var scopes: [SignatureReport.Scope] = []
    var chain: [ChainEntryReport] = []
    var timestamps: [TimestampReport] = []
    var checks: [ValidationCheck] = []
    var verdicts: [SubIndication] = []
    var errors: [ReportMessage] = []
    var warnings: [ReportMessage] = []
    var infos: [ReportMessage] = []

    init(format: String, validationTime: Date) {
        self.format = format
        self.validationTime = validationTime
        bestSignatureTime = validationTime
    }

    mutating func identify(_ certificate: Certificate) { signer = certificate }

    mutating func pass(_ block: String, _ key: String) {
        checks.append(ValidationCheck(block: block, key: key, status: "OK", message: ValidationMessages.texts[key]?.fr))
    }

    mutating func warn(_ block: String, _ key: String) {
        let message = ValidationMessages.message(key)
        checks.append(ValidationCheck(block: block, key: key, status: "WARNING", message: message.message))
        warnings.append(message)
    }

    mutating func fail(_ verdict: SubIndication, block: String, key: String, detail: String? = nil) {
        let message = ValidationMessages.message(key)
        checks.append(ValidationCheck(block: block, key: key, status: "NOT_OK", message: message.message + (detail.map { " (\($0))" } ?? "")))
        errors.append(message)
        verdicts.append(verdict)
    }

    /// TOTAL_FAILED when something proves the signature bad, else INDETERMINATE on the first open question,
    /// else TOTAL_PASSED.
    func report() -> SignatureReport {
        let sub = verdicts.first(where: \.isFailure) ?? verdicts.first
        let indication: Indication = switch sub {
        case nil: .totalPassed
        case let sub? where sub.isFailure: .totalFailed
        case .some: .indeterminate
        }
        return SignatureReport(
            id: "S-" + String(Identifier.random(prefix: "x", bytes: 8).dropFirst(2)), signatureFormat: format,
            indication: indication, subIndication: sub, indicationUri: indication.uri,
            signedBy: signer?.subject.commonName ?? signer?.subject.description,
            signer: signer.map { .init(subject: $0.subject.description, serialNumber: $0.serialNumber.hex, fingerprintSha256: $0.fingerprintSHA256) },
            claimedSigningTime: claimedSigningTime, bestSignatureTime: bestSignatureTime, signatureScopes: scopes,
            certificateChain: chain, timestamps: timestamps, checks: checks, errors: errors, warnings: warnings, infos: infos)
    }
}

/// A JWS in compact serialization (`header.payload.signature`, payload possibly empty when detached).
struct JWSCompact {
    let encodedHeader: String
    let payload: [UInt8]?
    let signature: [UInt8]

    init?(_ bytes: [UInt8]) {
        guard bytes.count < 1 << 20, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, let signature = Base64URL.decode(parts[2]), !signature.isEmpty else { return nil }
        encodedHeader = parts[0]
        payload = parts[1].isEmpty ? nil : Base64URL.decode(parts[1])
        self.signature = signature
    }

    var header: [String: Any]? {
        Base64URL.decode(encodedHeader).flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }
}
