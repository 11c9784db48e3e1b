import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SandboxCrypto

/// The PKI as a security server meets it: over HTTP, at a configured URL, like any other client. It
/// fetches the trust anchor and has keys certified through the PKI's admin API.
public struct PKIEnrolment: Sendable {
    public let baseURL: String
    public let adminToken: String

    public init(baseURL: String, adminToken: String) {
        self.baseURL = baseURL
        self.adminToken = adminToken
    }

    public func rootCertificate() async throws -> Certificate {
        let (status, body) = try await send(.GET, "/pki/v1/ca/root/certificate.pem", body: nil)
        guard status == 200 else { throw EnrolmentError("GET \(baseURL)/pki/v1/ca/root/certificate.pem answered \(status)") }
        return try Certificate(pem: String(decoding: body, as: UTF8.self))
    }

    /// Certifies `key` under `profile`; returns the certificate and its issuers.
    public func certify(key: PrivateKey, subject: [String: String], profile: String) async throws -> (Certificate, [Certificate]) {
        let name = DistinguishedName(subject.sorted { $0.key < $1.key }.map { DistinguishedName.Attribute(Self.shortName($0.key), $0.value) })
        let csr = try CertificateSigningRequest.create(subject: name, key: key)
        struct Body: Encodable {
            let csr: String
            let profile: String
            let subject: [String: String]
        }
        struct Answer: Decodable {
            let certificate: String
            let certificateChain: [String]?
        }
        let (status, reply) = try await send(.POST, "/pki/v1/certificates", body: try JSONEncoder().encode(Body(csr: csr.pem, profile: profile, subject: subject)))
        guard status == 201 else {
            throw EnrolmentError("the PKI refused a \(profile) certificate (\(status)): \(String(decoding: reply.prefix(500), as: UTF8.self))")
        }
        let answer = try JSONDecoder().decode(Answer.self, from: Data(reply))
        return (try Certificate(pem: answer.certificate), try (answer.certificateChain ?? []).map { try Certificate(pem: $0) })
    }

    private static func shortName(_ long: String) -> String {
        ["commonName": "CN", "organizationName": "O", "countryName": "C", "organizationalUnitName": "OU"][long] ?? long
    }

    private func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw EnrolmentError("cannot reach the PKI at \(baseURL): \(error)")
        }
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(bytes.readableBytesView))
    }
}

public struct EnrolmentError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
