import NIOConcurrencyHelpers
import TierSyncDomain
import TierSyncStore

/// The credential hashes of the children enrolled here, so that a push presenting a wrong
/// credential is refused before its body (up to 64 MB inflated) is read and decoded, and a
/// right one costs no read that would wait behind the group commit.
///
/// Only a first filter: a push it admits is still checked in its group (`SyncHub.identify`),
/// where a revocation made since (by `tiersync revoke`, or another process of the hub) is
/// seen. A credential it does not know or that does not match (a child enrolled since, or
/// through another process) is read from the store before the body.
///
/// ```swift
/// let known = KnownCredentials()
/// try await known.loadOnce { try hub.enrolledCredentials() }
/// known.admits(Credential(parsing: bearer)!)   // false: read it (`identify`) before the body
/// ```
final class KnownCredentials: Sendable {
    /// Node id → the hash of its credential's secret; nil until loaded.
    private let hashes = NIOLockedValueBox<[String: String]?>(nil)
    /// The pushes waiting for the one read of the store's list under way (a burst at
    /// start-up reads it once, not once a push); nil when no read is under way.
    private let waiting = NIOLockedValueBox<[CheckedContinuation<Void, any Error>]?>(nil)

    var isLoaded: Bool { hashes.withLockedValue { $0 != nil } }

    /// Reads the store's list with `read` unless it is loaded, once however many ask at the
    /// same time; a failed read is tried again by the next push.
    ///
    /// The first to ask reads, in its own task: no task is started for it, for such a task
    /// would wait for a thread of Swift's shared pool, which the work around a server (a
    /// test suite's synchronous tests, on CI's two cores) can keep busy for minutes. The
    /// others wait for its answer.
    func loadOnce(_ read: @Sendable () async throws -> [String: String]) async throws {
        guard !isLoaded else { return }
        let reads = waiting.withLockedValue { waiting in
            guard waiting == nil else { return false }
            waiting = []
            return true
        }
        guard reads else {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let queued = waiting.withLockedValue { waiting in
                    guard waiting != nil else { return false }
                    waiting!.append(continuation)
                    return true
                }
                // The read ended in between: loaded, or failed (then the push reads its credential).
                if !queued { continuation.resume() }
            }
            return
        }
        let result: Result<[String: String], any Error>
        do {
            result = .success(try await read())
        } catch {
            result = .failure(error)
        }
        if case .success(let enrolled) = result { load(enrolled) }
        let waiters = waiting.withLockedValue { waiting in
            defer { waiting = nil }
            return waiting ?? []
        }
        for waiter in waiters { waiter.resume(with: result.map { _ in () }) }
        _ = try result.get()
    }

    /// Takes the store's list, keeping what was learned meanwhile.
    private func load(_ enrolled: [String: String]) {
        hashes.withLockedValue { known in known = enrolled.merging(known ?? [:]) { _, learned in learned } }
    }

    /// Whether `credential` matches the hash kept for its node.
    func admits(_ credential: Credential) -> Bool {
        guard let hash = hashes.withLockedValue({ $0?[credential.id] }) else { return false }
        return credential.matches(hash: hash)
    }

    /// Keeps the credential of a child the store has just admitted.
    func remember(_ child: ChildNode) {
        hashes.withLockedValue { known in known?[child.id] = child.credentialHash }
    }

    /// Drops a node whose credential its group refused (revoked since, or replaced).
    func forget(_ node: String) {
        hashes.withLockedValue { known in _ = known?.removeValue(forKey: node) }
    }
}
