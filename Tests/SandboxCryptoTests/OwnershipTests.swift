import Foundation
import COpenSSL
import Glibc
import Synchronization
import SandboxCrypto
import Testing

/// Ownership of OpenSSL objects: a double free crashes the child process, a leak shows as a growing count
/// of live OpenSSL allocations.
@Suite("OpenSSL object ownership")
struct OwnershipTests {
    /// One round of every operation that allocates and frees OpenSSL objects.
    static func exercise(_ pki: TestHierarchy, _ authority: TimestampAuthority) throws {
        _ = try Certificate(der: pki.leaf.der).extensions
        let (leaf, _) = try TestHierarchy.leaf(issuing: pki.issuing, issuingKey: pki.issuingKey, commonName: "loop.local")
        let crl = try CertificateRevocationList.issue(
            issuer: pki.issuing, issuerKey: pki.issuingKey, number: 1, thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(60),
            revoked: [RevokedCertificate(serialNumber: leaf.serialNumber, revocationDate: Date(), reason: .keyCompromise)])
        _ = try CertificateRevocationList(der: crl.der).revoked
        let request = try OCSPRequest.create(certificate: leaf, issuer: pki.issuing)
        let response = try OCSPResponse(der: try OCSPResponseBuilder.build(
            request: try OCSPRequest(der: request.der), answers: [(request.certificateIDs[0], .good)],
            signer: pki.ocsp, signerKey: pki.ocspKey, producedAt: Date(), nextUpdate: nil))
        try response.verifySignature(trustedRoots: [pki.root], intermediates: [pki.issuing])
        _ = response.responses
        let digest = DigestAlgorithm.sha256.hash([1, 2, 3])
        let query = try TimestampRequest.create(digestAlgorithm: .sha256, digest: digest)
        let token = try #require(try TimestampResponse(der: authority.respond(to: query.der, at: Date(), serialNumber: .random())).token)
        try token.verify(digest: digest, trustedRoots: [pki.root], untrusted: [pki.issuing])
        let csr = try CertificateSigningRequest.create(subject: DistinguishedName([.init("CN", "x")]), key: pki.leafKey, subjectAlternativeNames: [.dns("x.local")])
        _ = try CertificateSigningRequest(der: csr.der).requestedSubjectAlternativeNames
        let signature = try CAdESSignature.sign(
            digest: digest, digestAlgorithm: .sha256, signer: pki.leaf, key: pki.leafKey, chain: [pki.issuing], signingTime: Date())
        try signature.addSignatureTimestamp(token)
        _ = try CAdESSignature(der: try signature.der).signatureValue
    }

    /// Live OpenSSL allocations after `warmUp` rounds, then after each of two further batches.
    static func liveAllocationCounts(warmUp: Int, batch: Int) throws -> [Int] {
        let pki = try TestHierarchy()
        let authority = try TimestampAuthority(certificate: pki.tsa, key: pki.tsaKey, chain: [pki.issuing], policy: "2.999.1.1")
        for _ in 0..<warmUp { try exercise(pki, authority) }
        var counts = [liveOpenSSLAllocations.load(ordering: .sequentiallyConsistent)]
        for _ in 0..<2 {
            for _ in 0..<batch { try exercise(pki, authority) }
            counts.append(liveOpenSSLAllocations.load(ordering: .sequentiallyConsistent))
        }
        return counts
    }

    @Test func repeatedOperationsLeaveNoOpenSSLAllocationBehind() async {
        // In a child process of its own, so that the counting allocator sees only this loop.
        await #expect(processExitsWith: .success) {
            guard CRYPTO_set_mem_functions(countingMalloc, countingRealloc, countingFree) == 1 else { exit(3) }
            guard let counts = try? OwnershipTests.liveAllocationCounts(warmUp: 10, batch: 40) else { exit(4) }
            // Whatever a round allocates, it frees: the live count is the same after 40 and after 80 more rounds.
            if counts[1] != counts[0] || counts[2] != counts[1] {
                print("live OpenSSL allocations drifted: \(counts)")
                exit(1)
            }
            exit(0)
        }
    }
}

/// OpenSSL allocations not yet freed, counted by the allocator installed in the exit test.
let liveOpenSSLAllocations = Atomic<Int>(0)

let countingMalloc: @convention(c) (Int, UnsafePointer<CChar>?, Int32) -> UnsafeMutableRawPointer? = { size, _, _ in
    let pointer = malloc(size)
    if pointer != nil { liveOpenSSLAllocations.add(1, ordering: .sequentiallyConsistent) }
    return pointer
}

let countingRealloc: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafePointer<CChar>?, Int32) -> UnsafeMutableRawPointer? = { pointer, size, _, _ in
    if pointer == nil { return countingMalloc(size, nil, 0) }
    if size == 0 {
        countingFree(pointer, nil, 0)
        return nil
    }
    return realloc(pointer, size)
}

let countingFree: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int32) -> Void = { pointer, _, _ in
    guard let pointer else { return }
    liveOpenSSLAllocations.subtract(1, ordering: .sequentiallyConsistent)
    free(pointer)
}
