import Foundation
import Logging
import PKI
import SandboxCore
import SandboxCrypto
import SandboxTesting
import Testing
@testable import SandboxCLI

@Suite("sandbox up")
struct SandboxUpTests {
    @Test func overviewAggregatesTheHealthOfEveryBlock() async throws {
        let sandbox = try await RunningSandbox()
        let (status, body) = try await sandbox.get(sandbox.configuration.baseURL(.overview) + "/health")
        #expect(status == 200)
        let health = try JSONDecoder().decode(OverviewRouter.AggregateHealth.self, from: Data(body.utf8))
        #expect(health.status == "ok")
        #expect(health.blocks.map(\.name) == ["pki", "pnpe", "central-server", "ss-arcep", "ss-asin", "rccm", "ifu", "rnpp", "agrement-fai"])
        #expect(health.blocks.first?.url == sandbox.configuration.baseURL(.pki))
        let (_, french) = try await sandbox.get(sandbox.configuration.baseURL(.overview) + "/")
        #expect(french.contains("Brique") && french.contains("en marche"))
        let (_, english) = try await sandbox.get(sandbox.configuration.baseURL(.overview) + "/", headers: [("Accept-Language", "en-GB,en;q=0.9")])
        #expect(english.contains("Block") && english.contains("running"))
        await sandbox.stop()
    }

    /// The e-service's question, end to end: ss-arcep signs, ss-asin verifies and asks the RCCM, the answer
    /// comes back signed. The keys were enrolled with the PKI over HTTP at start.
    @Test func aRegistryAnswersThroughBothSecurityServers() async throws {
        let sandbox = try await RunningSandbox()
        let keys = sandbox.configuration.dataDirectory.appendingPathComponent("xroad/ss-asin/keys/sign-GOV-APIEX.pem")
        #expect(FileManager.default.fileExists(atPath: keys.path))
        let client = ("X-Road-Client", "BJ-SANDBOX/GOV/ARCEP/AGREMENT-FAI")
        let base = sandbox.configuration.baseURL(.securityServerARCEP) + "/r1/BJ-SANDBOX/GOV"
        let (status, body) = try await sandbox.get(base + "/APIEX/RCCM/companies?rccm=RB%2FCOT%2F24%20B%2000042", headers: [client])
        #expect(status == 200, "\(body)")
        #expect(body.contains("DÉMO TÉLÉCOM SARL") && body.contains("1000000042"))
        let (personStatus, person) = try await sandbox.get(base + "/ANIP/RNPP/persons/1000000042", headers: [client])
        #expect(personStatus == 200 && person.contains("AGOSSOU"))
        let (missingStatus, missing) = try await sandbox.get(base + "/ANIP/RNPP/persons/1000000099", headers: [client])
        #expect(missingStatus == 404 && missing.contains("PERSON_NOT_FOUND"), "a backend error passes through, without X-Road-Error")

        // The tax status is a SOAP service: the same servers, message protocol 4.0.
        let envelope = """
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xrd="http://x-road.eu/xsd/xroad.xsd" \
            xmlns:id="http://x-road.eu/xsd/identifiers" xmlns:ifu="http://dgi.sandbox.bj/ifu"><soapenv:Header>\
            <xrd:client id:objectType="SUBSYSTEM"><id:xRoadInstance>BJ-SANDBOX</id:xRoadInstance><id:memberClass>GOV</id:memberClass><id:memberCode>ARCEP</id:memberCode><id:subsystemCode>AGREMENT-FAI</id:subsystemCode></xrd:client>\
            <xrd:service id:objectType="SERVICE"><id:xRoadInstance>BJ-SANDBOX</id:xRoadInstance><id:memberClass>GOV</id:memberClass><id:memberCode>DGI</id:memberCode><id:subsystemCode>IFU</id:subsystemCode><id:serviceCode>getTaxpayer</id:serviceCode><id:serviceVersion>v1</id:serviceVersion></xrd:service>\
            <xrd:id>e2e-1</xrd:id><xrd:protocolVersion>4.0</xrd:protocolVersion></soapenv:Header>\
            <soapenv:Body><ifu:getTaxpayer><ifu>3202001001414</ifu></ifu:getTaxpayer></soapenv:Body></soapenv:Envelope>
            """
        let (soapStatus, taxes) = try await sandbox.post(
            sandbox.configuration.baseURL(.securityServerARCEP) + "/", headers: [("Content-Type", "text/xml; charset=utf-8")], body: envelope)
        #expect(soapStatus == 200)
        #expect(taxes.contains("<status>IN_ARREARS</status>") && taxes.contains("xrd:requestHash"), "\(taxes)")
        await sandbox.stop()
    }

    @Test func overviewReportsABlockThatIsDown() async throws {
        let port = try PortProbe.freePort()
        let health = await OverviewRouter.aggregate([.init(name: "pki", url: "http://127.0.0.1:\(port)")])
        #expect(health.status == "degraded")
        #expect(health.blocks.first?.status == "down")
    }

    @Test func aSecondStartReusesTheState() async throws {
        let first = try await RunningSandbox()
        let root = first.authority.trust.root
        let token = first.server.adminToken.value
        let (certificate, _) = try first.authority.issueWithGeneratedKey(
            profile: "tls-server", subject: ["commonName": "keep.local"], subjectAltNames: ["DNS:keep.local"], keyAlgorithm: .ecdsaP256, validityDays: nil)
        await first.stop()

        let second = try await RunningSandbox(reusing: first.directory)
        #expect(second.authority.trust.root == root)
        #expect(second.server.adminToken.value == token)
        #expect(try second.authority.status(serial: certificate.serialNumber).status == .good)
        await second.stop()
    }

    @Test func aTakenPortIsReportedInPlainWords() async throws {
        let sandbox = try await RunningSandbox()
        var logger = Logger(label: "clash")
        logger.logLevel = .critical
        let clash = try SandboxServer(configuration: sandbox.configuration, adminToken: sandbox.server.adminToken, logger: logger)
        let error = await #expect(throws: CLIError.self) { try await clash.run(logger: logger) }
        #expect(error?.description.contains("already in use") == true)
        await sandbox.stop()
    }
}
