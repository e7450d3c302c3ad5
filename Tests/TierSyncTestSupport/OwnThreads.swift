import Foundation

/// A few threads that run the jobs of the tasks preferring them, and nothing else.
///
/// ```swift
/// let server = Task(executorPreference: OwnThreads.servers) { try await app.run() }
/// ```
///
/// swift-testing starts every test of the process at once on Swift's shared pool, which has
/// one thread per core (two on CI). A synchronous test holds one of those threads until it
/// ends, and a test waiting on a subprocess holds it for minutes; a hub served in the test
/// process queued behind them, and CI saw its clients time out after 30 s with nothing wrong
/// on either side. Work that must answer in time, or that blocks, runs here instead.
public final class OwnThreads: TaskExecutor, @unchecked Sendable {
    /// The threads of every server the tests run in their own process (hubs, sites): their
    /// requests are answered whatever the other tests keep busy. Many, so that a quick request
    /// is not queued behind a few slow ones (a snapshot page or a workbook made in a debug
    /// build) but shares the cores with them.
    public static let servers = OwnThreads(threads: 16, name: "test-servers")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    /// Starts `threads` threads named `name-0`, `name-1`…, kept for the process's life.
    public init(threads: Int, name: String) {
        for index in 0..<threads {
            let thread = Thread { self.work() }  // kept by its threads, for the process's life
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    private func work() {
        while true {
            let job = condition.withLock {
                while jobs.isEmpty { condition.wait() }
                return jobs.removeFirst()
            }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
