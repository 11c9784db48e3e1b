import HTTPTypes
import Foundation
import Hummingbird
import SandboxCore

/// `/admin/merchants` (sandbox admin token): one merchant per trainee.
struct AdminRoutes {
    let platform: PaymentPlatform

    func add(to admin: RouterGroup<SandboxRequestContext>) {
        admin.post("merchants", use: create)
        admin.get("merchants", use: list)
    }

    /// The merchant with its keys: only the admin sees secret keys.
    struct MerchantView: Encodable {
        let merchant: Merchant
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(merchant.id, forKey: .id)
            try container.encode("merchant", forKey: .object)
            try container.encode(merchant.name, forKey: .name)
            try container.encode(merchant.trainee, forKey: .trainee)
            try container.encode(merchant.publicKey, forKey: .pkTest)
            try container.encode(merchant.secretKey, forKey: .skTest)
            try container.encode(merchant.defaultDelaySeconds, forKey: .defaultDelaySeconds)
            try container.encode(merchant.createdAt, forKey: .createdAt)
        }
        enum Keys: String, CodingKey {
            case id, object, name, trainee
            case pkTest = "pk_test"
            case skTest = "sk_test"
            case defaultDelaySeconds = "default_delay_seconds"
            case createdAt = "created_at"
        }
    }

    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: platform.configuration.maxBodyBytes).readableBytesView)
        } catch {
            throw PNPEError.tooLarge(platform.configuration.maxBodyBytes)
        }
        let body = try BodyReader(bytes: bytes, allowed: ["name", "trainee", "default_delay_seconds"])
        let name = try body.requiredString("name", maxLength: 200)
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw PNPEError.invalid("name", "must not be empty") }
        let trainee = try body.string("trainee", maxLength: 200)
        let delay = try body.integer("default_delay_seconds", in: 0...3600) ?? 3
        let merchant = try platform.createMerchant(name: name, trainee: trainee, defaultDelaySeconds: Int(delay))
        return try APIResult.json(MerchantView(merchant: merchant), status: .created).response()
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try APIResult.json(ListPage(data: try platform.merchants().map(MerchantView.init), hasMore: false, url: "/admin/merchants")).response()
    }
}
