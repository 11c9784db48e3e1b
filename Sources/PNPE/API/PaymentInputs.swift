import HTTPTypes
import Foundation

/// A validated `POST /v1/payments` body.
struct CreatePaymentInput: Sendable {
    var amount: Int64
    var description: String?
    var merchantReference: String?
    var customer: Payment.Customer?
    var methods: [PaymentMethod]
    var returnURL: String?
    var notifyURL: String?
    var expiresIn: Int64
    var metadata: [String: String]
    var collect: CollectInput?

    static let fields: Set<String> = [
        "amount", "currency", "description", "merchant_reference", "customer", "methods", "return_url", "notify_url", "expires_in", "metadata",
        "collect",
    ]

    init(_ body: BodyReader, configuration: PNPEConfiguration) throws {
        guard let amount = try body.integer("amount") else { throw PNPEError.missing("amount") }
        guard amount >= configuration.minimumAmount else {
            throw PNPEError(.badRequest, code: "amount_too_small", message: "amount: must be at least \(configuration.minimumAmount) XOF (whole francs)", param: "amount")
        }
        guard amount <= configuration.maximumAmount else {
            throw PNPEError(.badRequest, code: "amount_too_large", message: "amount: must be at most \(configuration.maximumAmount) XOF", param: "amount")
        }
        self.amount = amount
        let currency = try body.string("currency", maxLength: 10) ?? "XOF"
        guard currency == "XOF" else {
            throw PNPEError(
                .badRequest, code: "currency_not_supported",
                message: "currency: only XOF is supported (amounts are whole CFA francs), not \(currency.prefix(10))", param: "currency")
        }
        description = try body.string("description", maxLength: 500)
        merchantReference = try body.string("merchant_reference", maxLength: 100)
        if let reference = merchantReference, reference.isEmpty { throw PNPEError.invalid("merchant_reference", "must not be empty") }
        if let customer = try body.object("customer", allowed: ["name", "email", "msisdn"]) {
            let msisdn = try customer.string("msisdn", maxLength: 40).map { try MSISDN(parsing: $0, param: "customer.msisdn").value }
            self.customer = Payment.Customer(
                name: try customer.string("name", maxLength: 200), email: try customer.string("email", maxLength: 200), msisdn: msisdn)
        }
        let methodNames = try body.strings("methods", maxCount: 3, maxLength: 40) ?? PaymentMethod.allCases.map(\.rawValue)
        guard !methodNames.isEmpty else { throw PNPEError.invalid("methods", "must list at least one method") }
        methods = try methodNames.enumerated().map { try PaymentMethod.parse($1, param: "methods[\($0)]") }
        returnURL = try body.string("return_url", maxLength: 2048).map { try WebURL.validate($0, param: "return_url") }
        notifyURL = try body.string("notify_url", maxLength: 2048).map { try WebURL.validate($0, param: "notify_url") }
        expiresIn = try body.integer("expires_in", in: 60...604_800) ?? 900
        metadata = try body.metadata("metadata") ?? [:]
        if let collect = try body.object("collect", allowed: CollectInput.fields) {
            let input = try CollectInput(collect)
            guard methods.contains(input.method) else {
                throw PNPEError.invalid("collect.method", "\(input.method.rawValue) is not among the payment's methods (\(methods.map(\.rawValue).joined(separator: ", ")))")
            }
            self.collect = input
        }
    }
}

/// A validated `collect` body: which operator and which phone.
struct CollectInput: Sendable {
    var method: PaymentMethod
    var msisdn: MSISDN

    static let fields: Set<String> = ["method", "msisdn"]

    init(_ body: BodyReader) throws {
        method = try PaymentMethod.parse(try body.requiredString("method", maxLength: 40), param: body.prefix + "method")
        msisdn = try MSISDN(parsing: try body.requiredString("msisdn", maxLength: 40), param: body.prefix + "msisdn")
    }

    init(method: PaymentMethod, msisdn: MSISDN) {
        self.method = method
        self.msisdn = msisdn
    }
}

/// URLs the platform redirects to or calls: http or https with a host, nothing else.
enum WebURL {
    static func validate(_ text: String, param: String) throws -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw PNPEError(.badRequest, code: "url_invalid", message: "\(param): must be an http:// or https:// URL with a host", param: param)
        }
        return text
    }
}
