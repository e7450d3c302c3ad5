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
    /// The one read of the store's list under way, which every push that comes meanwhile
    /// waits for (a burst at start-up reads it once, not once a push).
    private let loading = NIOLockedValueBox<Task<[String: String], any Error>?>(nil)

    var isLoaded: Bool { hashes.withLockedValue { $0 != nil } }

    /// Reads the store's list with `read` unless it is loaded, once however many ask at the
    /// same time; a failed read is tried again by the next push.
    func loadOnce(_ read: @escaping @Sendable () async throws -> [String: String]) async throws {
        guard !isLoaded else { return }
        let task = loading.withLockedValue { current in
            if let current { return current }
            let started = Task { try await read() }
            current = started
            return started
        }
        do {
            load(try await task.value)
        } catch {
            loading.withLockedValue { $0 = nil }
            throw error
        }
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
