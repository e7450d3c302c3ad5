import Testing
import TierSyncTestSupport

extension OwnThreads {
    /// The CLI tests' threads. They wait for subprocesses synchronously (a hub to print its
    /// URL, a sync to exit) for seconds or minutes; two four-level tests doing so on Swift's
    /// shared pool once stalled every in-process hub of the other suites. As many CLI tests
    /// run at once as did before (two), so the machine is no busier with subprocesses.
    static let cliTests = OwnThreads(threads: 2, name: "cli-tests")
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
