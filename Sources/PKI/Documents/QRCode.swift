import CQREncode
import Foundation

/// A QR code (ISO/IEC 18004) made by libqrencode, rendered as PNG or SVG. The verification URL is short
/// (about 60 characters), so error correction level M keeps the symbol small and robust on paper.
public struct QRCode: Sendable {
    /// Dark modules, row by row.
    public let modules: [[Bool]]
    public var size: Int { modules.count }

    public init(encoding text: String) throws {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw QRCodeError(message: "libqrencode could not encode \(text.count) characters (errno \(errno))")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        guard let data = code.pointee.data, width > 0 else { throw QRCodeError(message: "libqrencode returned an empty symbol") }
        modules = (0..<width).map { row in (0..<width).map { column in data[row * width + column] & 1 == 1 } }
    }

    /// An SVG with a 4-module quiet zone; each dark module is one path segment.
    public func svg(moduleSize: Int = 8) -> String {
        let quiet = 4
        let dimension = (size + 2 * quiet) * moduleSize
        var path = ""
        for (row, line) in modules.enumerated() {
            for (column, dark) in line.enumerated() where dark {
                path += "M\((column + quiet) * moduleSize),\((row + quiet) * moduleSize)h\(moduleSize)v\(moduleSize)h-\(moduleSize)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(dimension)" height="\(dimension)" viewBox="0 0 \(dimension) \(dimension)" shape-rendering="crispEdges">\
            <rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    /// A grayscale PNG with a 4-module quiet zone.
    public func png(moduleSize: Int = 8) -> [UInt8] {
        let quiet = 4
        let dimension = (size + 2 * quiet) * moduleSize
        var raw: [UInt8] = []
        raw.reserveCapacity((dimension + 1) * dimension)
        for y in 0..<dimension {
            raw.append(0)  // filter type: none
            let row = y / moduleSize - quiet
            for x in 0..<dimension {
                let column = x / moduleSize - quiet
                let dark = row >= 0 && row < size && column >= 0 && column < size && modules[row][column]
                raw.append(dark ? 0 : 255)
            }
        }
        return PNGWriter.grayscale(width: dimension, height: dimension, scanlines: raw)
    }
}

public struct QRCodeError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Just enough PNG: IHDR, one IDAT holding zlib "stored" (uncompressed) deflate blocks, IEND. A QR image
/// is a few kilobytes, so compression is not worth a zlib dependency.
enum PNGWriter {
    static func grayscale(width: Int, height: Int, scanlines: [UInt8]) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]  // 8-bit grayscale, deflate, adaptive filtering, no interlace
        png += chunk("IHDR", header)
        png += chunk("IDAT", zlibStored(scanlines))
        png += chunk("IEND", [])
        return png
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let last: UInt8 = offset + length >= data.count ? 1 : 0
            out.append(last)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
