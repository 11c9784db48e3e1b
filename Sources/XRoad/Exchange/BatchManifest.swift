import Foundation
import SandboxCore

/// The document a batch signature signs: the SHA-512 digest of each message's ASiC manifest, in the order
/// they were signed. X-Road links a batch with a Merkle hash chain (`sig-hashchainresult.xml` and one
/// `sig-hashchain.xml` per message); the sandbox lists the digests flatly, so that a message's place in the
/// batch is checked with `openssl dgst` and `grep`.
enum BatchManifest {
    static let contentType = "application/hash-chain-result"

    static func document(listing digests: [[UInt8]]) -> [UInt8] {
        var xml: [UInt8] = []
        xml.reserveCapacity(head.count + digests.count * 130 + tail.count)
        xml += head
        for digest in digests {
            xml += "  <ds:DigestValue>".utf8
            xml += Data(digest).base64EncodedString().utf8
            xml += "</ds:DigestValue>\n".utf8
        }
        xml += tail
        return xml
    }

    /// Whether `document` lists the manifest whose SHA-512 is `digest`.
    static func lists(_ digest: [UInt8], in document: [UInt8]) -> Bool {
        let line = Array("<ds:DigestValue>\(Data(digest).base64EncodedString())</ds:DigestValue>".utf8)
        return ByteSearch.firstIndex(of: line, in: document, from: 0) != nil
    }

    /// How many manifests `document` lists.
    static func count(in document: [UInt8]) -> Int {
        let opening = Array("<ds:DigestValue>".utf8)
        var count = 0
        var index = 0
        while let found = ByteSearch.firstIndex(of: opening, in: document, from: index) {
            count += 1
            index = found + opening.count
        }
        return count
    }

    private static let head = Array(
        (#"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            + #"<BatchManifest xmlns="urn:x-interop-sandbox:batch-signature" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"# + "\n"
            + #"  <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha512"/>"# + "\n").utf8)
    private static let tail = Array("</BatchManifest>\n".utf8)
}
