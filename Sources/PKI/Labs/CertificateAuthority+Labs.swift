import Foundation
import SandboxCore
import SandboxCrypto

extension CertificateAuthority {
    /// Builds the fixtures of a lab scenario with fresh, throwaway lab keys.
    public func labBundle(_ scenario: LabScenario) throws -> LabBundle {
        let now = clock.now()
        let document = Array("{\"lab\":\"\(scenario.rawValue)\",\"document\":\"Agrément FAI (exemple)\"}\n".utf8)
        let digest = DigestAlgorithm.sha256.hash(document)
        let days = scenario == .expiredNoTimestamp ? 1 : 30
        let (certificate, key) = try issueWithGeneratedKey(
            profile: "signature-person",
            subject: ["commonName": "Lab \(scenario.rawValue) (SANDBOX)", "serialNumber": "PNOBJ-LAB-\(Int(now.timeIntervalSince1970))"],
            subjectAltNames: nil, keyAlgorithm: .ecdsaP256, validityDays: days)
        var chain = trust.chain
        var signer = certificate
        var signerKey = key
        var signature: [UInt8]
        var format = "CAdES"
        var shownDocument: [UInt8]? = document
        var validationTime: Date?

        switch scenario {
        case .validBB, .tamperedContent, .missingDetachedContent, .revokedNoPOE, .expiredNoTimestamp:
            signature = try CAdESSignature.sign(digest: digest, digestAlgorithm: .sha256, signer: certificate, key: key, chain: chain, signingTime: now).der
            if scenario == .tamperedContent { shownDocument = Array("{\"lab\":\"tampered-content\",\"document\":\"Agrément FAI (modifié)\"}\n".utf8) }
            if scenario == .missingDetachedContent { shownDocument = nil }
            if scenario == .revokedNoPOE { _ = try revoke(serial: certificate.serialNumber, reason: .keyCompromise, at: nil) }
            if scenario == .expiredNoTimestamp { validationTime = certificate.notAfter.addingTimeInterval(86_400) }
        case .validBT, .revokedAfterTimestamp:
            // Signed and timestamped a minute ago, so that a revocation "now" comes strictly after the proof.
            let signedAt = scenario == .revokedAfterTimestamp ? now.addingTimeInterval(-60) : now
            let cades = try CAdESSignature.sign(digest: digest, digestAlgorithm: .sha256, signer: certificate, key: key, chain: chain, signingTime: signedAt)
            let query = try TimestampRequest.create(digestAlgorithm: .sha256, digest: DigestAlgorithm.sha256.hash(cades.signatureValue))
            guard let token = try TimestampResponse(der: timestamps.authority.respond(to: query.der, at: signedAt, serialNumber: .random())).token else {
                throw Problem.internal(detail: "the sandbox TSA refused the lab timestamp")
            }
            try cades.addSignatureTimestamp(token)
            signature = try cades.der
            if scenario == .revokedAfterTimestamp { _ = try revoke(serial: certificate.serialNumber, reason: .keyCompromise, at: nil) }
        case .wrongKey:
            format = "JAdES"
            let other = try PrivateKey.generate(.ecdsaP256)
            let seal = Seal(keyID: "lab", owner: "LAB", certificate: certificate, key: other)
            signature = Array(try JAdESCompact.sign(payload: document, seal: seal, chain: chain, signingTime: now).utf8)
            signerKey = other
        case .untrustedRoot:
            let rootKey = try PrivateKey.generate(.ecdsaP256)
            let root = try Certificate.issue(
                CertificateTemplate(
                    subject: DistinguishedName([.init("C", "BJ"), .init("O", "Not the sandbox"), .init("CN", "Unknown Root CA")]),
                    notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(86_400 * 30), publicKey: rootKey.publicKey,
                    certificateAuthority: .init(pathLength: nil), keyUsage: [.keyCertSign, .cRLSign]),
                issuer: nil, issuerKey: rootKey)
            signerKey = try PrivateKey.generate(.ecdsaP256)
            signer = try Certificate.issue(
                CertificateTemplate(
                    subject: DistinguishedName([.init("C", "BJ"), .init("CN", "Signer under an unknown root")]), notBefore: now.addingTimeInterval(-60),
                    notAfter: now.addingTimeInterval(86_400 * 30), publicKey: signerKey.publicKey, keyUsage: [.digitalSignature, .nonRepudiation]),
                issuer: root, issuerKey: rootKey)
            chain = [root]
            signature = try CAdESSignature.sign(digest: digest, digestAlgorithm: .sha256, signer: signer, key: signerKey, chain: chain, signingTime: now).der
        }
        let (indication, sub) = scenario.expected
        return LabBundle(
            scenario: scenario.rawValue, description: scenario.description.fr, descriptionEn: scenario.description.en, format: format,
            document: shownDocument.map { Data($0).base64EncodedString() },
            signature: Data(signature).base64EncodedString(),
            signerCertificate: signer.pem, signerKey: try signerKey.pkcs8PEM(), chain: chain.map(\.pem), validationTime: validationTime,
            expected: .init(indication: indication, subIndication: sub))
    }
}
