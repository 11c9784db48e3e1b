import COpenSSL
import Foundation

/// Conversions between `Date` and OpenSSL's ASN.1 times (UTCTime before 2050, GeneralizedTime after, as
/// RFC 5280 §4.1.2.5 requires; `ASN1_TIME_set` makes that choice for us).
enum ASN1Time {
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// A new ASN1_TIME (caller frees with `ASN1_TIME_free`).
    static func make(_ date: Date) throws -> UnsafeMutablePointer<ASN1_TIME> {
        try require(ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970.rounded(.down))), "encode time \(date)")
    }

    /// Sets an existing ASN1_TIME in place.
    static func set(_ time: UnsafeMutablePointer<ASN1_TIME>?, to date: Date) throws {
        _ = try require(ASN1_TIME_set(time, time_t(date.timeIntervalSince1970.rounded(.down))), "encode time \(date)")
    }
}
