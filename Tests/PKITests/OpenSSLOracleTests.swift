import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing

/// Everything the CA produces, checked by the `openssl` command line.
@Suite("openssl accepts what the PKI produces")
struct OpenSSLOracleTests {
    @Test func issuedCertificatesVerifyWithRootChainAndCRL() throws {
        let fixture = try PKIFixture()
        try fixture.writeTrustFiles()
        let good = try fixture.issueTLS("good.local")
        let revoked = try fixture.issueTLS("revoked.local")
        _ = try fixture.authority.revoke(serial: revoked.serialNumber, reason: .keyCompromise, at: nil)
        let directory = fixture.directory
        try directory.write("good.pem", good.pem)
        try directory.write("revoked.pem", revoked.pem)
        try directory.write("crls.pem", try fixture.authority.crl(caID: "issuing").pem + fixture.authority.crl(caID: "root").pem)

        let ok = try OpenSSLCommand.run(["verify", "-crl_check_all", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "-CRLfile", "crls.pem", "good.pem"], in: directory.url)
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.output.contains("good.pem: OK"))

        let refused = try OpenSSLCommand.run(["verify", "-crl_check_all", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "-CRLfile", "crls.pem", "revoked.pem"], in: directory.url)
        #expect(refused.status != 0)
        #expect(refused.all.contains("certificate revoked"), "\(refused)")
    }

    @Test func revokedSerialIsListedByOpenSSLCRL() throws {
        let fixture = try PKIFixture()
        let certificate = try fixture.issueTLS()
        _ = try fixture.authority.revoke(serial: certificate.serialNumber, reason: .keyCompromise, at: nil)
        try fixture.directory.write("issuing.crl", try fixture.authority.crl(caID: "issuing").der)
        let text = try OpenSSLCommand.run(["crl", "-inform", "DER", "-in", "issuing.crl", "-noout", "-text"], in: fixture.directory.url)
        #expect(text.status == 0)
        #expect(text.output.contains("Serial Number: \(certificate.serialNumber.hex)"))
        #expect(text.output.contains("Key Compromise"))
        #expect(text.output.contains("X509v3 CRL Number"))
    }

    @Test func serviceCertificatesHaveTheirRequiredExtensions() throws {
        let fixture = try PKIFixture()
        try fixture.directory.write("ocsp.pem", fixture.trust.ocspResponder.pem)
        try fixture.directory.write("tsa.pem", fixture.trust.tsa.pem)
        let ocsp = try OpenSSLCommand.run(["x509", "-in", "ocsp.pem", "-noout", "-text"], in: fixture.directory.url).output
        #expect(ocsp.contains("OCSP Signing"))
        #expect(ocsp.contains("OCSP No Check"))
        let tsa = try OpenSSLCommand.run(["x509", "-in", "tsa.pem", "-noout", "-text"], in: fixture.directory.url).output
        #expect(tsa.contains("X509v3 Extended Key Usage: critical"))
        #expect(tsa.contains("Time Stamping"))
        #expect(tsa.contains("Policy: 2.999.1.1"))
    }

    @Test func opensslTimestampQueryAnsweredAndVerified() throws {
        let fixture = try PKIFixture()
        try fixture.writeTrustFiles()
        let directory = fixture.directory
        try directory.write("doc.txt", "demande d'agrément FAI\n")
        let query = try OpenSSLCommand.run(["ts", "-query", "-data", "doc.txt", "-sha256", "-cert", "-out", "q.tsq"], in: directory.url)
        #expect(query.status == 0, "\(query)")
        try directory.write("r.tsr", try fixture.authority.timestampReply(to: try directory.read("q.tsq")))
        let verified = try OpenSSLCommand.run(["ts", "-verify", "-queryfile", "q.tsq", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem"], in: directory.url)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.all.contains("Verification: OK"))
        let byData = try OpenSSLCommand.run(["ts", "-verify", "-data", "doc.txt", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem"], in: directory.url)
        #expect(byData.all.contains("Verification: OK"), "\(byData)")
        try directory.write("other.txt", "another document\n")
        let wrong = try OpenSSLCommand.run(["ts", "-verify", "-data", "other.txt", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem"], in: directory.url)
        #expect(wrong.status != 0)
    }

    @Test func sha1TimestampQueryIsRejectedTheRFCWay() throws {
        let fixture = try PKIFixture()
        try fixture.directory.write("doc.txt", "x")
        _ = try OpenSSLCommand.run(["ts", "-query", "-data", "doc.txt", "-sha1", "-out", "q.tsq"], in: fixture.directory.url)
        let response = try TimestampResponse(der: try fixture.authority.timestampReply(to: try fixture.directory.read("q.tsq")))
        #expect(response.status == .rejection)
        #expect(response.token == nil)
    }

    @Test func opensslClientsAgainstTheLiveServer() async throws {
        let fixture = try PKIFixture()
        try fixture.writeTrustFiles()
        let good = try fixture.issueTLS("good.local")
        let revoked = try fixture.issueTLS("revoked.local")
        _ = try fixture.authority.revoke(serial: revoked.serialNumber, reason: .keyCompromise, at: nil)
        try fixture.directory.write("good.pem", good.pem)
        try fixture.directory.write("revoked.pem", revoked.pem)
        let app = Application(router: PKIRouter.build(authority: fixture.authority, adminToken: fixture.adminToken, logger: PKIFixture.logger))
        try await app.test(.live) { client in
            let url = "http://127.0.0.1:\(try #require(client.port))/pki/v1/ocsp"
            let directory = fixture.directory.url
            let answer = try OpenSSLCommand.run(["ocsp", "-issuer", "issuing.pem", "-cert", "good.pem", "-cert", "revoked.pem", "-url", url, "-CAfile", "root.pem"], in: directory)
            #expect(answer.status == 0, "\(answer)")
            #expect(answer.all.contains("Response verify OK"))
            #expect(answer.output.contains("good.pem: good"))
            #expect(answer.output.contains("revoked.pem: revoked"))
            #expect(answer.output.contains("Reason: keyCompromise"))

            // openssl ts -query → POST /pki/v1/tsa over the socket → openssl ts -verify.
            try fixture.directory.write("doc.txt", "demande d'agrément FAI\n")
            _ = try OpenSSLCommand.run(["ts", "-query", "-data", "doc.txt", "-sha384", "-cert", "-out", "q.tsq"], in: directory)
            let query = try fixture.directory.read("q.tsq")
            let reply = try await client.execute(
                uri: "/pki/v1/tsa", method: .post, headers: [.contentType: "application/timestamp-query"], body: ByteBuffer(bytes: query)
            ) { response async throws in
                #expect(response.headers[.contentType] == "application/timestamp-reply")
                return Array(response.body.readableBytesView)
            }
            try fixture.directory.write("r.tsr", reply)
            let verified = try OpenSSLCommand.run(["ts", "-verify", "-queryfile", "q.tsq", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem"], in: directory)
            #expect(verified.all.contains("Verification: OK"), "\(verified)")
        }
    }
}
