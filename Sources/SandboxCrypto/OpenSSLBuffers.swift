import COpenSSL
import COpenSSLShims
import Foundation

/// Helpers that move bytes between Swift arrays and OpenSSL's BIOs and DER encoders.
enum OpenSSLBuffers {
    /// Runs `body` with a read-only memory BIO over `bytes`. The BIO borrows the bytes for the call only.
    static func withReadBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                throw CryptoError.fromQueue("allocate memory BIO")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `body` with an empty writable memory BIO and returns what it wrote.
    static func collect(_ operation: String, _ body: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.fromQueue("allocate memory BIO") }
        defer { BIO_free(bio) }
        guard body(bio) > 0 else { throw CryptoError.fromQueue(operation) }
        return contents(of: bio)
    }

    /// The bytes held by a memory BIO.
    static func contents(of bio: OpaquePointer) -> [UInt8] {
        var pointer: UnsafeMutablePointer<CChar>?
        let length = cshim_BIO_get_mem_data(bio, &pointer)
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// Encodes with an OpenSSL `i2d_*` function (called twice: once for the length, once to write).
    static func der(_ operation: String, _ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) throws -> [UInt8] {
        let length = encode(nil)
        guard length > 0 else { throw CryptoError.fromQueue(operation) }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return encode(&cursor)
        }
        guard written == length else { throw CryptoError.fromQueue(operation) }
        return bytes
    }

    /// Decodes with an OpenSSL `d2i_*` function and insists that the whole input was consumed: trailing
    /// bytes after a valid structure are a sign of a spliced or truncated upload, not something to ignore.
    static func decode<T>(
        _ bytes: [UInt8], _ operation: String,
        _ decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> T?
    ) throws -> T {
        guard !bytes.isEmpty else { throw CryptoError(operation, reasons: ["empty input"]) }
        return try bytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let value = decode(&cursor, buffer.count) else { throw CryptoError.fromQueue(operation) }
            let consumed = cursor.map { $0 - buffer.baseAddress! } ?? 0
            guard consumed == buffer.count else {
                throw CryptoError(operation, reasons: ["\(buffer.count - consumed) unexpected bytes after the DER structure"])
            }
            return value
        }
    }

    /// A string that OpenSSL allocated (e.g. `BN_bn2hex`), copied and freed.
    static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { cshim_OPENSSL_free(pointer) }
        return String(cString: pointer)
    }

    /// Text printed by an OpenSSL `*_print*` function.
    static func printed(_ body: (OpaquePointer) -> Int32) -> String {
        (try? collect("print", body)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

/// Bytes of an ASN.1 string (also OCTET STRING, INTEGER contents).
func asn1Bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
    guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
}

/// The dotted or short name of an ASN.1 object identifier.
func objectName(_ object: OpaquePointer?, preferShortName: Bool = true) -> String {
    guard let object else { return "" }
    let nid = OBJ_obj2nid(object)
    if preferShortName, nid != NID_undef, let short = OBJ_nid2sn(nid) { return String(cString: short) }
    return objectDottedString(object)
}

/// The dotted-decimal form of an object identifier, e.g. `2.999.1.1`.
func objectDottedString(_ object: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
    guard length > 0 else { return "" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension OpenSSLBuffers {
    /// Frees memory that OpenSSL allocated for us.
    static func free(_ pointer: UnsafeMutableRawPointer?) {
        cshim_OPENSSL_free(pointer)
    }

    static func free(_ pointer: UnsafeMutablePointer<UInt8>?) {
        cshim_OPENSSL_free(pointer)
    }
}
