import Foundation
import Hummingbird
import SandboxCore

/// Lab controls (admin): the PKI's clock, and scenario bundles for validation exercises.
struct LabRoutes {
    let authority: CertificateAuthority

    func add(to group: RouterGroup<SandboxRequestContext>) {
        group.get("lab/clock", use: clock)
        group.put("lab/clock", use: setClock)
        group.get("lab/scenarios", use: scenarios)
        group.post("lab/scenarios/:name", use: scenario)
    }

    private func virtualClock() throws -> VirtualClock {
        guard let clock = authority.clock as? VirtualClock else {
            throw Problem.conflict(detail: "this PKI runs on the system clock; the lab clock is available under `sandbox up`")
        }
        return clock
    }

    @Sendable func clock(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try JSONResponse.make(try virtualClock().snapshot)
    }

    struct ClockBody: Decodable {
        let fixedTime: Date?
        let offsetSeconds: Double?
        let advanceSeconds: Double?
        let reset: Bool?
    }

    /// `PUT /pki/v1/lab/clock`: `{"fixedTime": …}`, `{"offsetSeconds": …}`, `{"advanceSeconds": …}` or
    /// `{"reset": true}`. Drives the TSA, OCSP and CRLs; forgotten on restart.
    @Sendable func setClock(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try await request.decode(as: ClockBody.self, context: context)
        let clock = try virtualClock()
        let given = [body.fixedTime != nil, body.offsetSeconds != nil, body.advanceSeconds != nil, body.reset == true].filter { $0 }.count
        guard given == 1 else {
            throw Problem.badRequest(field: "body", detail: "give exactly one of fixedTime, offsetSeconds, advanceSeconds or reset")
        }
        let limit = 50.0 * 365 * 86_400
        for (field, value) in [("offsetSeconds", body.offsetSeconds), ("advanceSeconds", body.advanceSeconds)] {
            if let value, !(value.isFinite && abs(value) <= limit) {
                throw Problem.badRequest(field: field, detail: "must be within ±50 years (in seconds)")
            }
        }
        if let time = body.fixedTime { clock.set(time) }
        if let offset = body.offsetSeconds { clock.setOffset(offset) }
        if let advance = body.advanceSeconds { clock.advance(by: advance) }
        if body.reset == true { clock.reset() }
        return try JSONResponse.make(clock.snapshot)
    }

    @Sendable func scenarios(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try JSONResponse.make(LabScenario.allCases.map { scenario in
            [
                "name": scenario.rawValue, "description": scenario.description.fr, "descriptionEn": scenario.description.en,
                "expectedIndication": scenario.expected.0.rawValue, "expectedSubIndication": scenario.expected.1?.rawValue ?? "",
            ]
        })
    }

    @Sendable func scenario(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let scenario = LabScenario(rawValue: name) else {
            throw Problem.badRequest(
                field: "name", detail: "unknown scenario \"\(name.prefix(64))\"; known: \(LabScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try JSONResponse.make(try authority.labBundle(scenario), status: .created)
    }
}
