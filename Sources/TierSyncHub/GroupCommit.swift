import NIOConcurrencyHelpers
import NIOPosix
import TierSyncDomain
import TierSyncStore

/// Group commit: what arrives while a transaction is being applied waits, and goes together
/// in the next one, so that a thousand townships pushing at once cost a few commits, not a
/// thousand serialized ones. Each is answered only after the transaction holding it
/// committed. Alone, a push waits for nothing.
///
/// ```swift
/// let commits = GroupCommit(hub: node)
/// let accepted = try await commits.apply(push)   // after the commit that holds it
/// ```
///
/// The transactions run one after another on one thread of `BlockingPool`, which takes the
/// next group as soon as one commits: no task of Swift's shared pool stands between two
/// groups, so a process whose cooperative threads are busy delays no one's commit. The queue
/// does not know what it applies (`apply` is given), so its tests need no store.
public final class GroupCommit<Item: Sendable, Outcome: Sendable>: Sendable {
    typealias Waiter = (item: Item, reply: CheckedContinuation<Outcome, any Error>)

    /// What waits for the next transaction, and whether a thread is applying groups.
    private struct Queue {
        var waiting: [Waiter] = []
        var applying = false
    }

    /// The most one transaction takes: a bound on its size and on how long the first of
    /// them waits for the last.
    let batchLimit: Int
    /// Applies a group in one transaction: one result per item, in order.
    let applyGroup: @Sendable ([Item]) throws -> [Result<Outcome, any Error>]
    /// Told of each transaction: how many it held and how long it took.
    let observe: @Sendable (_ count: Int, _ duration: Duration) -> Void
    private let queue = NIOLockedValueBox(Queue())
    private let pool: NIOThreadPool

    /// A queue applying groups of at most `batchLimit` with `apply`, on `pool`'s threads.
    public init(
        batchLimit: Int, pool: NIOThreadPool = BlockingPool.shared,
        observe: @escaping @Sendable (_ count: Int, _ duration: Duration) -> Void = { _, _ in },
        apply: @escaping @Sendable ([Item]) throws -> [Result<Outcome, any Error>]
    ) {
        (self.batchLimit, self.pool, self.observe, self.applyGroup) = (max(1, batchLimit), pool, observe, apply)
    }

    /// Applies `item` in the next transaction; returns once that transaction committed.
    public func apply(_ item: Item) async throws -> Outcome {
        try await withCheckedThrowingContinuation { reply in
            let starts = queue.withLockedValue { state in
                state.waiting.append((item, reply))
                guard !state.applying else { return false }
                state.applying = true
                return true
            }
            if starts { pool.submit { self.drain($0) } }
        }
    }

    /// How many wait for a transaction (not counting the one being applied).
    public var waiting: Int { queue.withLockedValue { $0.waiting.count } }

    /// Applies what is waiting, a transaction at a time, until nothing is.
    private func drain(_ state: NIOThreadPool.WorkItemState) {
        while let group = nextGroup() {
            guard case .active = state else {
                // The pool stopped before it ran this: nothing was applied, say so to all.
                for waiter in group { waiter.reply.resume(throwing: CancellationError()) }
                continue
            }
            let started = ContinuousClock.now
            let results: [Result<Outcome, any Error>]
            do {
                results = try applyGroup(group.map(\.item))
                precondition(results.count == group.count, "apply answers each item it is given")
                observe(group.count, ContinuousClock.now - started)
            } catch {
                results = Array(repeating: .failure(error), count: group.count)
            }
            for (waiter, result) in zip(group, results) { waiter.reply.resume(with: result) }
        }
    }

    /// The next group to apply, or nil, the queue then marked idle, when nothing waits.
    private func nextGroup() -> [Waiter]? {
        queue.withLockedValue { state in
            guard !state.waiting.isEmpty else {
                state.applying = false
                return nil
            }
            let group = Array(state.waiting.prefix(batchLimit))
            state.waiting.removeFirst(group.count)
            return group
        }
    }
}

extension GroupCommit where Item == ChildPush, Outcome == AcceptedPush {
    /// Children's pushes applied by `hub` (`SyncHub.acceptPushes`: their credentials checked
    /// in one read, their changes in one transaction), `hub.groupLimit` at most together.
    public convenience init(
        hub: any SyncHub, observe: @escaping @Sendable (_ pushes: Int, _ duration: Duration) -> Void = { _, _ in }
    ) {
        self.init(batchLimit: hub.groupLimit, observe: observe) { try hub.acceptPushes($0) }
    }
}
