import TierSyncDomain
import TierSyncStore

/// Group commit of children's pushes: pushes that arrive while a transaction is being applied
/// wait, and go together in the next one (`SyncHub.acceptAll`), so that a thousand
/// townships pushing at once cost a few commits, not a thousand serialized ones. Each push is
/// answered only after the transaction holding it committed. Alone, a push waits for nothing.
///
/// ```swift
/// let commits = GroupCommit(hub: node)
/// let report = try await commits.apply(push)   // after the commit that holds it
/// ```
public actor GroupCommit {
    let hub: any SyncHub
    /// The most pushes one transaction takes: a bound on its size and on how long the first
    /// of them waits for the last.
    let batchLimit: Int
    private var waiting: [(push: TierSyncNode.Push, reply: CheckedContinuation<ApplyReport, any Error>)] = []
    private var applying = false

    public init(hub: any SyncHub, batchLimit: Int? = nil) {
        self.hub = hub
        self.batchLimit = batchLimit ?? hub.groupLimit
    }

    /// Applies `push` in the next transaction; returns once that transaction committed.
    public func apply(_ push: TierSyncNode.Push) async throws -> ApplyReport {
        try await withCheckedThrowingContinuation { reply in
            waiting.append((push, reply))
            if !applying {
                applying = true
                Task { await drain() }
            }
        }
    }

    /// Applies what is waiting, a transaction at a time, until nothing is.
    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(batchLimit))
            waiting.removeFirst(batch.count)
            let hub = self.hub
            let pushes = batch.map(\.push)
            let results: [Result<ApplyReport, any Error>]
            do {
                results = try await blocking { try hub.acceptAll(pushes) }
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (waiter, result) in zip(batch, results) { waiter.reply.resume(with: result) }
        }
        applying = false
    }
}
