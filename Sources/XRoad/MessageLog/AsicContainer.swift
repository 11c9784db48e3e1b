import Foundation
import SandboxCore
import ZIPFoundation

/// An ASiC-E container of one logged message (ETSI EN 319 162-1, X-Road's `AsicContainerEntries`): the
/// message and its body as signed, the ASiC manifest with their SHA-512 digests, the CAdES signature of the
/// manifest (or, for a message signed in a batch, of the batch manifest that lists the manifest's digest),
/// and — once time-stamped — the batch's RFC 3161 token and the hash-chain document it covers.
/// Everything in it can be checked with `unzip` and `openssl` (docs/xroad.md shows the commands).
public enum AsicContainer {
    public static let mimeType = "application/vnd.etsi.asic-e+zip"
    /// Where X-Road puts the document a batch signature signs (its `sig-hashchainresult.xml`).
    public static let batchManifestPath = "META-INF/sig-hashchainresult.xml"

    public static func make(_ record: MessageLog.Record, batch: (token: [UInt8], hashChain: [UInt8])?) throws -> Data {
        var entries: [(String, [UInt8])] = [("mimetype", Array(mimeType.utf8))]
        let messageName = record.entry.message.first == UInt8(ascii: "<") ? "message.xml" : "message.http"
        entries.append((messageName, record.entry.message))
        if let attachment = record.entry.attachment { entries.append(("attachment1", attachment)) }
        entries.append(("META-INF/ASiCManifest.xml", record.entry.manifest))
        if let batchManifest = record.entry.batchManifest { entries.append((batchManifestPath, batchManifest)) }
        entries.append(("META-INF/signature.p7s", record.entry.signature))
        if let batch {
            entries.append(("META-INF/timestamp.tst", batch.token))
            entries.append(("META-INF/ts-hashchain.xml", batch.hashChain))
        }
        entries.append(("META-INF/manifest.xml", Array(odfManifest(entries.map(\.0)).utf8)))
        return try zip(entries)
    }

    /// A ZIP of several files, stored (ASiC wants `mimetype` first and uncompressed; the rest may be stored too).
    public static func zip(_ entries: [(String, [UInt8])]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, bytes) in entries {
            let data = Data(bytes)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Date(timeIntervalSince1970: 1_700_000_000),
                compressionMethod: .none
            ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// The OpenDocument manifest ASiC-E containers carry beside the ASiC one.
    static func odfManifest(_ files: [String]) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">"# + "\n"
        xml += #"  <manifest:file-entry manifest:full-path="/" manifest:media-type="\#(mimeType)"/>"# + "\n"
        for file in files where file != "mimetype" && file != "META-INF/manifest.xml" {
            xml += #"  <manifest:file-entry manifest:full-path="\#(file.htmlEscaped)" manifest:media-type="application/octet-stream"/>"# + "\n"
        }
        return xml + "</manifest:manifest>\n"
    }
}

extension AsicContainer {
    /// The files of a ZIP, by path (for the `.asice` containers inside a `/asic` download).
    public static func entries(of data: Data) throws -> [(String, Data)] {
        let archive = try Archive(data: data, accessMode: .read)
        var files: [(String, Data)] = []
        for entry in archive where entry.type == .file && entry.uncompressedSize < 64 << 20 {
            var bytes = Data()
            _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) }
            files.append((entry.path, bytes))
        }
        return files
    }
}
