import TierSyncDomain
import TierSyncStore

/// Group commit of children's pushes: pushes that arrive while a transaction is being applied
/// wait, and go together in the next one (`SyncHub.acceptPushes`: their credentials checked
/// in one read, their changes applied in one transaction), so that a thousand townships
/// pushing at once cost a few commits, not a thousand serialized ones. Each push is answered
/// only after the transaction holding it committed. Alone, a push waits for nothing.
///
/// ```swift
/// let commits = GroupCommit(hub: node)
/// let accepted = try await commits.apply(push)   // after the commit that holds it
/// ```
public actor GroupCommit {
    let hub: any SyncHub
    /// The most pushes one transaction takes: a bound on its size and on how long the first
    /// of them waits for the last.
    let batchLimit: Int
    /// Told of each transaction: how many pushes it held and how long it took.
    let observe: @Sendable (_ pushes: Int, _ duration: Duration) -> Void
    private var waiting: [(push: ChildPush, reply: CheckedContinuation<AcceptedPush, any Error>)] = []
    private var applying = false

    public init(
        hub: any SyncHub, batchLimit: Int? = nil,
        observe: @escaping @Sendable (_ pushes: Int, _ duration: Duration) -> Void = { _, _ in }
    ) {
        self.hub = hub
        self.batchLimit = batchLimit ?? hub.groupLimit
        self.observe = observe
    }

    /// Applies `push` in the next transaction; returns once that transaction committed.
    public func apply(_ push: ChildPush) async throws -> AcceptedPush {
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
            let results: [Result<AcceptedPush, any Error>]
            let started = ContinuousClock.now
            do {
                results = try await blocking { try hub.acceptPushes(pushes) }
                observe(batch.count, ContinuousClock.now - started)
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (waiter, result) in zip(batch, results) { waiter.reply.resume(with: result) }
        }
        applying = false
    }
}
