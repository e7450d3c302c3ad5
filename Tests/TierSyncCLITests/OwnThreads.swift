import Foundation
import Testing

/// A few threads of the CLI tests' own, on which their test bodies run.
///
/// The CLI tests wait for subprocesses synchronously (a hub to print its URL, a sync to exit),
/// for seconds or minutes at a time. On Swift's shared pool, which has one thread per core
/// (two on CI), two such tests stall every in-process hub of the other suites in the same
/// test process: CI once saw five `SyncSessionTests` requests time out after 30 s while two
/// four-level tests waited. Here they wait on threads nobody else needs.
final class OwnThreads: TaskExecutor, @unchecked Sendable {
    /// As many CLI tests run at once as there were before (two), so the machine is no
    /// busier with subprocesses than it was.
    static let cliTests = OwnThreads(threads: 2)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "cli-tests-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
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

/// Runs every test of a suite on ``OwnThreads/cliTests``.
struct OnOwnThreads: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(OwnThreads.cliTests) { try await function() }
    }
}

extension Trait where Self == OnOwnThreads {
    /// The suite's tests wait on subprocesses synchronously: run them off Swift's shared pool.
    static var ownThreads: Self { OnOwnThreads() }
}
