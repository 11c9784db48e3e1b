import Foundation

/// Turns a ``TopologyFile`` into a ``Topology``, checking as the Central Server and the admin API would:
/// identifier characters, known member classes, no duplicates, clients that exist, services of registered
/// subsystems, access rights to existing services by existing subjects.
struct TopologyValidation {
    let file: TopologyFile
    let variables: [String: String]

    func topology() throws(TopologyError) -> Topology {
        let instance = file.instance
        try checkPart(instance, at: "instance")
        var classes: [Topology.MemberClass] = []
        for (index, memberClass) in file.memberClasses.enumerated() {
            try checkPart(memberClass.code, at: "memberClasses[\(index)].code")
            classes.append(.init(code: memberClass.code, description: memberClass.description ?? memberClass.code))
        }
        let classCodes = Set(classes.map(\.code))

        var members: [Topology.Member] = []
        for (index, raw) in file.members.enumerated() {
            let place = "members[\(index)]"
            let id = try client(raw.id, at: "\(place).id")
            guard id.subsystemCode == nil else { throw TopologyError(place: "\(place).id", problem: "'\(raw.id)' is a subsystem; write CLASS/CODE and list subsystems under it") }
            guard classCodes.contains(id.memberClass) else {
                throw TopologyError(place: "\(place).id", problem: "member class '\(id.memberClass)' is not in memberClasses (\(classCodes.sorted().joined(separator: ", ")))")
            }
            guard !members.contains(where: { $0.id == id }) else { throw TopologyError(place: "\(place).id", problem: "\(id) is declared twice") }
            var subsystems: [Topology.Subsystem] = []
            for (subIndex, subsystem) in (raw.subsystems ?? []).enumerated() {
                try checkPart(subsystem.code, at: "\(place).subsystems[\(subIndex)].code")
                let subsystemID = XRoadClientID(instance: instance, memberClass: id.memberClass, memberCode: id.memberCode, subsystemCode: subsystem.code)
                guard !subsystems.contains(where: { $0.id == subsystemID }) else {
                    throw TopologyError(place: "\(place).subsystems[\(subIndex)]", problem: "\(subsystemID) is declared twice")
                }
                subsystems.append(.init(id: subsystemID, name: subsystem.name ?? subsystem.code))
            }
            members.append(.init(id: id, name: raw.name, subsystems: subsystems))
        }
        let known = Set(members.flatMap { [$0.id] + $0.subsystems.map(\.id) })

        var servers: [Topology.SecurityServer] = []
        for (index, raw) in file.securityServers.enumerated() {
            let place = "securityServers[\(index)]"
            let owner = try client(raw.owner, at: "\(place).owner")
            guard members.contains(where: { $0.id == owner }) else { throw TopologyError(place: "\(place).owner", problem: "\(owner) is not a member") }
            try checkPart(raw.code, at: "\(place).code")
            guard !servers.contains(where: { $0.name == raw.name }) else { throw TopologyError(place: "\(place).name", problem: "'\(raw.name)' is used twice") }
            var clients: [XRoadClientID] = []
            for (clientIndex, text) in (raw.clients ?? []).enumerated() {
                let clientID = try client(text, at: "\(place).clients[\(clientIndex)]")
                guard known.contains(clientID) else {
                    throw TopologyError(place: "\(place).clients[\(clientIndex)]", problem: "\(clientID) is not a member or subsystem declared under members")
                }
                clients.append(clientID)
            }
            let interval = raw.messageLog?.timestampInterval ?? 60
            guard (0...86_400).contains(interval) else {
                throw TopologyError(place: "\(place).messageLog.timestampInterval", problem: "must be 0 (immediate) to 86400 seconds")
            }
            var metadataOnly: [XRoadClientID] = []
            for (logIndex, text) in (raw.messageLog?.metadataOnly ?? []).enumerated() {
                let clientID = try client(text, at: "\(place).messageLog.metadataOnly[\(logIndex)]")
                guard known.contains(clientID) else {
                    throw TopologyError(place: "\(place).messageLog.metadataOnly[\(logIndex)]", problem: "\(clientID) is not declared under members")
                }
                metadataOnly.append(clientID)
            }
            servers.append(
                .init(
                    name: raw.name, id: SecurityServerID(owner: owner, serverCode: raw.code), clients: clients,
                    messageLog: .init(timestampInterval: interval, metadataOnly: metadataOnly)))
        }

        var services: [Topology.Service] = []
        for (index, raw) in (file.services ?? []).enumerated() {
            let place = "services[\(index)]"
            let parsed = try service(raw.id, at: "\(place).id")
            let id = XRoadServiceID(provider: parsed.provider, serviceCode: parsed.serviceCode, serviceVersion: raw.version)
            guard !RestMetaservices.codes.union(["listClients", "getWsdl"]).contains(id.serviceCode) else {
                throw TopologyError(place: "\(place).id", problem: "'\(id.serviceCode)' is reserved for a metaservice (X-Road 7.7 refuses it too)")
            }
            guard servers.contains(where: { $0.clients.contains(id.provider) }) else {
                throw TopologyError(place: "\(place).id", problem: "provider \(id.provider) is registered on no security server; add it to a server's clients")
            }
            guard !services.contains(where: { $0.id.provider == id.provider && $0.id.serviceCode == id.serviceCode }) else {
                throw TopologyError(place: "\(place).id", problem: "\(id) is declared twice")
            }
            guard let type = Topology.ServiceType(rawValue: raw.type.uppercased()) else {
                throw TopologyError(place: "\(place).type", problem: "'\(raw.type)' is not REST, OPENAPI3 or WSDL")
            }
            let timeout = raw.timeout ?? 60
            guard (1...3600).contains(timeout) else { throw TopologyError(place: "\(place).timeout", problem: "must be 1 to 3600 seconds") }
            var endpoints: [EndpointPattern] = []
            for (endpointIndex, endpoint) in (raw.endpoints ?? []).enumerated() {
                endpoints.append(try pattern(endpoint, at: "\(place).endpoints[\(endpointIndex)]"))
            }
            services.append(
                .init(
                    id: id, type: type, url: try address(raw.url, at: "\(place).url"),
                    descriptionURL: try raw.description.map { text throws(TopologyError) in try address(text, at: "\(place).description") },
                    timeout: timeout, enabled: raw.enabled ?? false, disabledNotice: raw.disabledNotice ?? "Out of order", endpoints: endpoints))
        }

        var rights: [Topology.AccessRight] = []
        for (index, raw) in (file.accessRights ?? []).enumerated() {
            let place = "accessRights[\(index)]"
            let subject = try client(raw.subject, at: "\(place).subject")
            guard known.contains(subject) else { throw TopologyError(place: "\(place).subject", problem: "\(subject) is not declared under members") }
            let target = try service(raw.service, at: "\(place).service")
            guard let declared = services.first(where: { $0.id.provider == target.provider && $0.id.serviceCode == target.serviceCode }) else {
                throw TopologyError(place: "\(place).service", problem: "\(target) is not declared under services")
            }
            let endpoint = try raw.endpoint.map { endpoint throws(TopologyError) in try pattern(endpoint, at: "\(place).endpoint") } ?? .wholeService
            rights.append(.init(subject: subject, service: declared.id, endpoint: endpoint))
        }
        return Topology(
            instance: instance, memberClasses: classes, members: members, securityServers: servers, services: services, accessRights: rights)
    }

    // MARK: Pieces

    private func checkPart(_ part: String, at place: String) throws(TopologyError) {
        if let problem = XRoadIdentifierText.registrationProblem(part) { throw TopologyError(place: place, problem: problem) }
    }

    private func client(_ text: String, at place: String) throws(TopologyError) -> XRoadClientID {
        let id: XRoadClientID
        do {
            id = try XRoadClientID.parse(text, instance: file.instance)
        } catch {
            throw TopologyError(place: place, problem: error.description)
        }
        guard id.instance == file.instance else { throw TopologyError(place: place, problem: "instance '\(id.instance)' is not \(file.instance)") }
        for part in id.parts { try checkPart(part, at: place) }
        return id
    }

    private func service(_ text: String, at place: String) throws(TopologyError) -> XRoadServiceID {
        let id: XRoadServiceID
        do {
            id = try XRoadServiceID.parse(text, instance: file.instance)
        } catch {
            throw TopologyError(place: place, problem: "\(error.description) (write CLASS/CODE/SUBSYSTEM/SERVICE)")
        }
        for part in id.parts { try checkPart(part, at: place) }
        return id
    }

    private func pattern(_ endpoint: TopologyFile.Endpoint, at place: String) throws(TopologyError) -> EndpointPattern {
        do {
            return try EndpointPattern(method: endpoint.method, path: endpoint.path)
        } catch {
            throw TopologyError(place: place, problem: error.description)
        }
    }

    /// Fills `${name}` placeholders; an unknown name is an error rather than a URL that goes nowhere.
    private func address(_ text: String, at place: String) throws(TopologyError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw TopologyError(place: place, problem: "unclosed ${ in '\(text)'")
            }
            let name = String(rest[start.upperBound..<end])
            guard let value = variables[name] else {
                throw TopologyError(place: place, problem: "unknown placeholder ${\(name)} (known: \(variables.keys.sorted().joined(separator: ", ")))")
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        result += rest
        guard let url = URL(string: result), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw TopologyError(place: place, problem: "'\(result)' is not an http(s) URL")
        }
        return result
    }
}
