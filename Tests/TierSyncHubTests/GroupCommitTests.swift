import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import Testing
import TierSyncHub

/// The group-commit queue alone, over numbers instead of pushes: what arrives while a
/// transaction is applied goes together in the next one, in order of arrival and at most the
/// limit at once, and each is answered with its own result once its transaction ends.
@Suite struct GroupCommitTests {
    struct Refused: Error, Equatable { let item: Int }
    struct StoreFailed: Error {}

    /// Applies groups of numbers (a refusal for those ending in 3, the number × 10 otherwise),
    /// records them, and holds the first transaction open until `release()`.
    final class Applier: Sendable {
        let groups = NIOLockedValueBox<[[Int]]>([])
        private let gate = DispatchSemaphore(value: 0)
        /// Items whose whole transaction fails.
        let failing: Set<Int>

        init(failing: Set<Int> = []) { self.failing = failing }

        func apply(_ items: [Int]) throws -> [Result<Int, any Error>] {
            let first = groups.withLockedValue {
                $0.append(items)
                return $0.count == 1
            }
            if first { gate.wait() }
            if !failing.isDisjoint(with: items) { throw StoreFailed() }
            return items.map { $0 % 10 == 3 ? .failure(Refused(item: $0)) : .success($0 * 10) }
        }

        func release() { gate.signal() }
    }

    /// A pool of these tests' own: a transaction held open blocks one of its threads, not one
    /// of the pool that the other tests' hubs use. (A pool must be shut down before it is
    /// freed; this one lives as long as the process.)
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()
    var pool: NIOThreadPool { Self.threads }

    /// Item 0 applied alone and held; then `items` queued one by one behind it, in order.
    func queued(_ items: [Int], limit: Int, applier: Applier) async throws -> [Task<Int, any Error>] {
        let commits = GroupCommit<Int, Int>(batchLimit: limit, pool: pool) { try applier.apply($0) }
        var tasks = [Task { try await commits.apply(0) }]
        while applier.groups.withLockedValue(\.isEmpty) { try await Task.sleep(for: .milliseconds(1)) }
        for (index, item) in items.enumerated() {
            tasks.append(Task { try await commits.apply(item) })
            while commits.waiting <= index { try await Task.sleep(for: .milliseconds(1)) }
        }
        return tasks
    }

    @Test("what arrives during a transaction goes together in the next, in order, each answered with its own result")
    func groupedInOrder() async throws {
        let applier = Applier()
        defer { applier.release() }
        let tasks = try await queued(Array(1...12), limit: 100, applier: applier)
        tasks[4].cancel()  // a caller gone meanwhile: its push is applied and answered all the same
        applier.release()
        for (item, task) in tasks.enumerated() {
            switch await task.result {
            case .success(let outcome): #expect(item % 10 != 3 && outcome == item * 10, "item \(item)")
            case .failure(let error): #expect(item % 10 == 3 && error as? Refused == Refused(item: item), "\(error)")
            }
        }
        #expect(applier.groups.withLockedValue { $0 } == [[0], Array(1...12)])
    }

    @Test("no transaction takes more than the limit: what waits is split, in order")
    func splitAtTheLimit() async throws {
        let applier = Applier()
        defer { applier.release() }
        let tasks = try await queued(Array(1...10), limit: 4, applier: applier)
        applier.release()
        for task in tasks { _ = await task.result }
        #expect(applier.groups.withLockedValue { $0 } == [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10]])
    }

    @Test("a transaction that fails fails each of its items, and the next one is applied")
    func failedTransaction() async throws {
        let applier = Applier(failing: [6])
        defer { applier.release() }
        let tasks = try await queued(Array(1...10), limit: 4, applier: applier)
        applier.release()
        for (item, task) in tasks.enumerated() {
            let result = await task.result
            if (5...8).contains(item) {
                #expect(throws: StoreFailed.self, "item \(item)") { try result.get() }
            } else if item != 3 {
                #expect(try result.get() == item * 10)
            }
        }
        #expect(applier.groups.withLockedValue(\.count) == 4)
    }

    @Test("alone, an item waits for no one: a transaction of its own, at once")
    func alone() async throws {
        let applier = Applier()
        applier.release()  // the first transaction is not held
        let commits = GroupCommit<Int, Int>(batchLimit: 8, pool: pool) { try applier.apply($0) }
        for item in [1, 2, 4] { #expect(try await commits.apply(item) == item * 10) }
        #expect(applier.groups.withLockedValue { $0 } == [[1], [2], [4]])
        #expect(commits.waiting == 0)
    }
}
