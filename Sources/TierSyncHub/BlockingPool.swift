import NIOCore
import NIOPosix

/// The threads that run the servers' store work: SQLite's and PostgreSQL's calls block, so
/// they run here, never on Swift's cooperative threads or on the event loops.
///
/// ```swift
/// let hashes = try await blocking { try hub.enrolledCredentials() }
/// ```
///
/// NIO's shared pool has one thread per core. That suits work that only computes, but store
/// work also waits: on the disk's syncs and on PostgreSQL's round trips. With two threads,
/// a long snapshot page and a group commit held both, and every other request of the
/// process waited behind them, status checks included; a test process serving several hubs
/// at once waited longer than its clients' 30 s timeout. The pool is a bound on how many
/// requests are in the store at once, and a PostgreSQL store keeps a connection per thread
/// it ran on, so it stays well under the server's `max_connections` (100 by default).
public enum BlockingPool {
    /// How many threads the pool has: twice the cores, at least eight and at most 32.
    static let threadCount = min(32, max(8, 2 * System.coreCount))

    /// The process's pool, started on first use and kept for the process's life.
    public static let shared: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()
}

/// Runs blocking store work on `BlockingPool`'s threads and returns its result.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingPool.shared.runIfActive(work)
}
