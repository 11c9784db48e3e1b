import Foundation
import SandboxCore
import SandboxCrypto
import Synchronization

/// Signs together the messages that wait for the same key at the same moment, as X-Road's `BatchSigner`
/// does for a software token: one signature over a ``BatchManifest`` listing their manifests' digests
/// serves the whole batch, and the receiving security server verifies it once for all of them (an ECDSA
/// verification is the dearest step of an exchange). A message signed alone gets a plain signature of its
/// manifest, as before batches existed.
final class BatchSigner: Sendable {
    /// The signature for one manifest, and the batch manifest it covers when it was signed in a batch.
    struct Signed: Sendable {
        let signature: [UInt8]
        let batchManifest: [UInt8]?
    }

    /// Most manifests under one signature (a batch manifest grows by about 110 bytes for each).
    static let maximumBatch = 64

    private struct Waiting {
        let manifest: [UInt8]
        let time: Date
        let waiter: CheckedContinuation<Signed, any Error>
    }

    private let state = Mutex<(pending: [Waiting], signing: Bool)>(([], false))

    /// Signs `manifest`, together with the manifests other exchanges submit for the same key meanwhile.
    func sign(_ manifest: [UInt8], by identity: SigningIdentity, at time: Date) async throws -> Signed {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Signed, any Error>) in
            let leads = state.withLock { state -> Bool in
                state.pending.append(Waiting(manifest: manifest, time: time, waiter: waiter))
                guard !state.signing else { return false }
                state.signing = true
                return true
            }
            // As the message log's group commit: the signing task is queued behind the work that is ready
            // to run, so that exchanges scheduled before it reach their own signature and join the batch;
            // alone, it runs at once.
            if leads { Task { self.signPending(by: identity) } }
        }
    }

    /// Signs what is pending, batch after batch, until nothing is.
    private func signPending(by identity: SigningIdentity) {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.signing = false }
                return batch
            }
            guard let first = batch.first else { return }
            do {
                let signed = try Self.sign(batch.map(\.manifest), by: identity, at: first.time)
                for (waiting, result) in zip(batch, signed) { waiting.waiter.resume(returning: result) }
            } catch {
                for waiting in batch { waiting.waiter.resume(throwing: error) }
            }
        }
    }

    /// One signature for `manifests`: of the manifest itself when there is one, of their batch manifest
    /// when there are several.
    static func sign(_ manifests: [[UInt8]], by identity: SigningIdentity, at time: Date) throws -> [Signed] {
        if manifests.count == 1 {
            return [Signed(signature: try identity.sign(digest: DigestAlgorithm.sha512.hash(manifests[0]), at: time), batchManifest: nil)]
        }
        let document = BatchManifest.document(listing: manifests.map { DigestAlgorithm.sha512.hash($0) })
        let signature = try identity.sign(digest: DigestAlgorithm.sha512.hash(document), at: time)
        return Array(repeating: Signed(signature: signature, batchManifest: document), count: manifests.count)
    }
}
