import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SandboxCore

/// The government registries behind the X-Road exchange, as their own small HTTP services (ports 9101,
/// 9102, 9103): what an administration's information system would expose to its security server. Users
/// reach them through X-Road; they answer anyone, like a backend on a private network.
public enum RegistryRouters {
    /// RCCM at APIEX: `GET /v1/companies?rccm=…` (exact) or `?name=…` (search, 20 at most).
    public static func rccm(_ registries: Registries, logger: Logger) -> Router<SandboxRequestContext> {
        let router = base(logger: logger, descriptionFile: registries.file("rccm.openapi.yaml"), descriptionPath: "/openapi.yaml", type: "application/yaml")
        router.get("/v1/companies") { request, _ -> Response in
            let query = request.uri.queryParameters
            let found: [RegistryRecords.Record]
            if let number = query["rccm"].map(String.init) {
                found = registries.companies.record(number).map { [$0] } ?? []
            } else if let name = query["name"].map(String.init) {
                found = registries.companies.search(name)
            } else {
                return error(.badRequest, "MISSING_QUERY", "Give ?rccm=<RCCM number> or ?name=<part of the name>.")
            }
            return json(.ok, "{\"items\":[" + found.map(\.json).joined(separator: ",") + "],\"notice\":" + JSONText.quote(registries.companies.notice) + "}")
        }
        return router
    }

    /// RNPP at ANIP: `GET /v1/persons/{npi}`.
    public static func rnpp(_ registries: Registries, logger: Logger) -> Router<SandboxRequestContext> {
        let router = base(logger: logger, descriptionFile: registries.file("rnpp.openapi.yaml"), descriptionPath: "/openapi.yaml", type: "application/yaml")
        router.get("/v1/persons/:npi") { _, context -> Response in
            let npi = context.parameters.get("npi") ?? ""
            guard npi.count == 10, npi.allSatisfy(\.isASCII), npi.allSatisfy(\.isNumber) else {
                return error(.badRequest, "INVALID_NPI", "An NPI has 10 digits.")
            }
            guard let person = registries.persons.record(npi) else {
                return error(.notFound, "PERSON_NOT_FOUND", "No person with NPI \(npi) in the register (illustrative data).")
            }
            return json(.ok, person.json)
        }
        return router
    }

    /// IFU at DGI: a SOAP service, `getTaxpayer`, in the X-Road message protocol 4.0 style.
    public static func ifu(_ registries: Registries, logger: Logger) -> Router<SandboxRequestContext> {
        let router = base(logger: logger, descriptionFile: registries.file("ifu.wsdl"), descriptionPath: "/ifu.wsdl", type: "text/xml; charset=utf-8")
        router.post("/") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return TaxpayerSOAPService(taxpayers: registries.taxpayers).answer(Array(body.readableBytesView))
        }
        return router
    }

    private static func base(logger: Logger, descriptionFile: URL, descriptionPath: String, type: String) -> Router<SandboxRequestContext> {
        let router = Router.sandbox(logger: logger, maxBodyBytes: 1 << 20)
        router.get("/health") { _, _ in "ok" }
        router.get(RouterPath(descriptionPath)) { _, _ -> Response in
            guard let bytes = try? Data(contentsOf: descriptionFile) else { return error(.notFound, "NO_DESCRIPTION", "\(descriptionFile.lastPathComponent) is missing") }
            return BinaryResponse.make(Array(bytes), contentType: type)
        }
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The registries' own error object (not the sandbox's problem document: these are "foreign" systems).
    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(status, "{\"error\":\(JSONText.quote(code)),\"message\":\(JSONText.quote(message))}")
    }
}

/// The three registries' data, loaded once from `Fixtures/registries/`.
public struct Registries: Sendable {
    public let directory: URL
    public let companies: RegistryRecords
    public let persons: RegistryRecords
    public let taxpayers: RegistryRecords

    public init(fixturesDirectory: URL) throws(RegistryError) {
        directory = fixturesDirectory.appendingPathComponent("registries")
        companies = try RegistryRecords(contentsOf: directory.appendingPathComponent("rccm.json"), collection: "companies", key: "rccm", searchField: "name")
        persons = try RegistryRecords(contentsOf: directory.appendingPathComponent("rnpp.json"), collection: "persons", key: "npi")
        taxpayers = try RegistryRecords(contentsOf: directory.appendingPathComponent("ifu.json"), collection: "taxpayers", key: "ifu", searchField: "name")
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
}
