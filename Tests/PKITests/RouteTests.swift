import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PKI
import SandboxCore
import SandboxCrypto
import Testing

/// The HTTP interface in Hummingbird's router mode (no socket).
@Suite("PKI routes")
struct RouteTests {
    func withApp(_ body: @Sendable (PKIFixture, any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try PKIFixture()
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.router) { client in try await body(fixture, client) }
    }

    var admin: HTTPFields { [.authorization: "Bearer test-admin-token-0123456789", .contentType: "application/json"] }

    /// The `field` of the first error of a problem document.
    func firstErrorField(_ buffer: ByteBuffer) throws -> String? {
        (try json(buffer)["errors"] as? [[String: String]])?.first?["field"]
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func listsTheFourServiceCertificates() async throws {
        try await withApp { fixture, client in
            try await client.execute(uri: "/pki/v1/ca", method: .get) { response async throws in
                #expect(response.status == .ok)
                let list = try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(list.compactMap { $0["id"] as? String } == ["root", "issuing", "ocsp", "tsa"])
                #expect(list.first?["fingerprintSha256"] as? String == fixture.trust.root.fingerprintSHA256)
            }
            try await client.execute(uri: "/pki/v1/ca/chain.pem", method: .get) { response async throws in
                #expect(response.headers[.contentType] == "application/pem-certificate-chain")
                #expect(try Certificate.parseChain(pem: String(buffer: response.body)) == fixture.trust.chain)
            }
            try await client.execute(uri: "/pki/v1/ca/tsa/certificate", method: .get) { response async throws in
                #expect(response.headers[.contentType] == "application/pkix-cert")
                #expect(try Certificate(der: Array(response.body.readableBytesView)) == fixture.trust.tsa)
            }
            try await client.execute(uri: "/pki/v1/ca/nope/certificate", method: .get) { response async throws in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test func servesCRLsInDERAndPEM() async throws {
        try await withApp { fixture, client in
            try await client.execute(uri: "/pki/v1/crl/issuing.crl", method: .get) { response async throws in
                #expect(response.headers[.contentType] == "application/pkix-crl")
                let crl = try CertificateRevocationList(der: Array(response.body.readableBytesView))
                #expect(crl.isSignatureValid(issuerKey: fixture.trust.issuing.publicKey))
            }
            try await client.execute(uri: "/pki/v1/crl/root.pem", method: .get) { response async throws in
                let crl = try CertificateRevocationList(pem: String(buffer: response.body))
                #expect(crl.isSignatureValid(issuerKey: fixture.trust.root.publicKey))
            }
            try await client.execute(uri: "/pki/v1/crl/other.crl", method: .get) { response async throws in #expect(response.status == .notFound) }
        }
    }

    @Test func ocspOverPostAndGet() async throws {
        try await withApp { fixture, client in
            let request = try OCSPRequest.create(certificate: fixture.trust.tsa, issuer: fixture.trust.issuing)
            try await client.execute(
                uri: "/pki/v1/ocsp", method: .post, headers: [.contentType: "application/ocsp-request"], body: ByteBuffer(bytes: request.der)
            ) { response async throws in
                #expect(response.headers[.contentType] == "application/ocsp-response")
                #expect(try OCSPResponse(der: Array(response.body.readableBytesView)).responses.first?.status == .good)
            }
            let encoded = Data(request.der).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/pki/v1/ocsp/\(encoded)", method: .get) { response async throws in
                #expect(try OCSPResponse(der: Array(response.body.readableBytesView)).responses.first?.status == .good)
            }
            try await client.execute(uri: "/pki/v1/ocsp/not-base64!!", method: .get) { response async throws in
                #expect(try OCSPResponse(der: Array(response.body.readableBytesView)).status == .malformedRequest)
            }
            try await client.execute(
                uri: "/pki/v1/ocsp", method: .post, headers: [.contentType: "application/ocsp-request"], body: ByteBuffer(string: "hello")
            ) { response async throws in
                #expect(response.status == .ok)
                #expect(try OCSPResponse(der: Array(response.body.readableBytesView)).status == .malformedRequest)
            }
            try await client.execute(
                uri: "/pki/v1/ocsp", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(bytes: request.der)
            ) { response async throws in
                #expect(response.status == .unsupportedMediaType)
                let errors = try json(response.body)["errors"]
                #expect(errors != nil)
            }
        }
    }

    @Test func timestampEndpoints() async throws {
        try await withApp { fixture, client in
            let digest = DigestAlgorithm.sha256.hash([UInt8]("agrément".utf8))
            let query = try TimestampRequest.create(digestAlgorithm: .sha256, digest: digest)
            try await client.execute(
                uri: "/pki/v1/tsa", method: .post, headers: [.contentType: "application/timestamp-query"], body: ByteBuffer(bytes: query.der)
            ) { response async throws in
                #expect(response.headers[.contentType] == "application/timestamp-reply")
                let token = try #require(try TimestampResponse(der: Array(response.body.readableBytesView)).token)
                try token.verify(digest: digest, trustedRoots: [fixture.trust.root], untrusted: fixture.trust.chain)
                #expect(token.nonce == query.nonce)
            }
            try await client.execute(
                uri: "/pki/v1/tsa", method: .post, headers: [.contentType: "application/timestamp-query"], body: ByteBuffer(string: "not DER")
            ) { response async throws in
                #expect(response.status == .badRequest)
                let problemField = try firstErrorField(response.body)
                #expect(problemField == "body")
            }
            let body = #"{"digestAlgorithm":"SHA256","digest":"\#(Data(digest).base64EncodedString())"}"#
            try await client.execute(uri: "/pki/v1/timestamps", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response async throws in
                #expect(response.status == .created)
                let document = try json(response.body)
                let encoded = try #require(document["token"] as? String)
                let der = try #require(Data(base64Encoded: encoded))
                let token = try TimestampToken(der: [UInt8](der))
                #expect(token.messageImprint == digest)
                #expect(document["policy"] as? String == "2.999.1.1")
            }
            try await client.execute(uri: "/pki/v1/timestamps", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"digest":"AAAA"}"#)) { response async throws in
                #expect(response.status == .badRequest)
                let problemField = try firstErrorField(response.body)
                #expect(problemField == "digest")
            }
        }
    }

    @Test func adminRoutesRequireTheToken() async throws {
        try await withApp { _, client in
            try await client.execute(uri: "/pki/v1/certificates", method: .get) { response async throws in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] != nil)
                let detail = try json(response.body)["detail"] as? String
                #expect(detail?.contains("Authorization: Bearer") == true)
            }
            try await client.execute(uri: "/pki/v1/certificates", method: .get, headers: [.authorization: "Bearer wrong"]) { response async throws in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func issueListInspectRevokeOverHTTP() async throws {
        try await withApp { fixture, client in
            let (csr, _) = try fixture.csr(subject: [("CN", "ss-arcep"), ("O", "ARCEP")])
            let body = try JSONSerialization.data(withJSONObject: ["csr": csr.pem, "profile": "xroad-auth"])
            let serial = try await client.execute(uri: "/pki/v1/certificates", method: .post, headers: admin, body: ByteBuffer(bytes: body)) { response async throws in
                #expect(response.status == .created)
                let document = try json(response.body)
                #expect(response.headers[.location] == "/pki/v1/certificates/\(document["serialNumber"] as? String ?? "")")
                #expect((document["certificateChain"] as? [String])?.count == 2)
                let certificate = try Certificate(pem: try #require(document["certificate"] as? String))
                #expect(certificate.subject.description == "CN=ss-arcep,O=ARCEP,C=BJ")
                return certificate.serialNumber.hex
            }
            try await client.execute(uri: "/pki/v1/certificates?profile=xroad-auth", method: .get, headers: admin) { response async throws in
                let items = try #require(try json(response.body)["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["serialNumber"] as? String } == [serial])
            }
            try await client.execute(uri: "/pki/v1/certificates/\(serial)", method: .get, headers: admin) { response async throws in
                let document = try json(response.body)
                #expect(document["extendedKeyUsage"] as? [String] == ["serverAuth", "clientAuth"])
                #expect(document["status"] as? String == "GOOD")
            }
            try await client.execute(uri: "/pki/v1/certificates/\(serial)/revoke", method: .post, headers: admin, body: ByteBuffer(string: #"{"reason":"keyCompromise"}"#)) { response async throws in
                #expect(response.status == .ok)
                #expect(try json(response.body)["crlNumber"] as? Int == 2)
            }
            try await client.execute(uri: "/pki/v1/certificates/\(serial)/revoke", method: .post, headers: admin, body: ByteBuffer(string: #"{"reason":"keyCompromise"}"#)) { response async throws in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/pki/v1/certificates/\(serial)/status", method: .get, headers: admin) { response async throws in
                let document = try json(response.body)
                #expect(document["status"] as? String == "REVOKED")
                #expect(document["reason"] as? String == "keyCompromise")
            }
        }
    }

    @Test func badAdminInputGetsProblemsNamingTheField() async throws {
        try await withApp { _, client in
            let cases: [(String, String, String, HTTPResponse.Status, String)] = [
                ("/pki/v1/certificates", "POST", #"{"profile":"tls-server"}"#, .badRequest, "csr"),
                ("/pki/v1/certificates", "POST", #"{"csr":"garbage","profile":"tls-server"}"#, .badRequest, "csr"),
                ("/pki/v1/certificates", "POST", #"{"csr":42,"profile":"tls-server"}"#, .badRequest, "csr"),
                ("/pki/v1/certificates", "POST", "{not json", .badRequest, "body"),
                ("/pki/v1/certificates/ZZZ/status", "GET", "", .badRequest, "serial"),
                ("/pki/v1/certificates/0A0B/revoke", "POST", #"{"reason":"because"}"#, .badRequest, "reason"),
                ("/pki/v1/certificates/keypair", "POST", #"{"profile":"tls-server","subject":{"commonName":"a"},"format":"PKCS12"}"#, .badRequest, "password"),
                ("/pki/v1/certificates?limit=9999", "GET", "", .badRequest, "limit"),
            ]
            for (uri, method, body, status, field) in cases {
                try await client.execute(uri: uri, method: method == "GET" ? .get : .post, headers: admin, body: ByteBuffer(string: body)) { response async throws in
                    #expect(response.status == status, "\(method) \(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problemField = try firstErrorField(response.body)
                    #expect(problemField == field, "\(method) \(uri) \(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/pki/v1/certificates/0A0B", method: .get, headers: admin) { response async throws in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/pki/v1/certificates", method: .post, headers: [.authorization: "Bearer test-admin-token-0123456789", .contentType: "text/plain"], body: ByteBuffer(string: "x")) { response async throws in
                #expect(response.status == .unsupportedMediaType)
            }
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await withApp { _, client in
            let big = ByteBuffer(repeating: 0x30, count: 300 * 1024)
            try await client.execute(uri: "/pki/v1/ocsp", method: .post, headers: [.contentType: "application/ocsp-request"], body: big) { response async throws in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let medium = ByteBuffer(repeating: 0x30, count: 20 * 1024)
            try await client.execute(uri: "/pki/v1/tsa", method: .post, headers: [.contentType: "application/timestamp-query"], body: medium) { response async throws in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func keypairInPKCS12() async throws {
        try await withApp { _, client in
            let body = #"{"profile":"tls-server","subject":{"commonName":"lab.local"},"subjectAltNames":["DNS:lab.local"],"format":"PKCS12","password":"secret"}"#
            try await client.execute(uri: "/pki/v1/certificates/keypair", method: .post, headers: admin, body: ByteBuffer(string: body)) { response async throws in
                #expect(response.status == .created)
                let document = try json(response.body)
                #expect(document["pkcs12"] is String)
                #expect(document["privateKey"] == nil)
                #expect((document["warning"] as? String)?.contains("sandbox-only") == true)
            }
        }
    }

    @Test func healthAndPracticeStatement() async throws {
        try await withApp { fixture, client in
            try await client.execute(uri: "/health", method: .get) { response async throws in
                let document = try json(response.body)
                #expect(document["status"] as? String == "ok")
                #expect(document["rootFingerprintSha256"] as? String == fixture.trust.root.fingerprintSHA256)
                #expect(response.headers[.init("X-Request-Id")!] != nil)
            }
            try await client.execute(uri: "/pki/v1/cps", method: .get) { response async throws in
                #expect(String(buffer: response.body).contains("ne sont pas qualifiés"))
            }
            try await client.execute(uri: "/pki/v1/openapi.yaml", method: .get) { response async throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
            try await client.execute(uri: "/pki/v1/cps?lang=en", method: .get) { response async throws in
                #expect(String(buffer: response.body).contains("not qualified"))
            }
        }
    }
}
