import Logging
import TierSyncDomain

/// The upward sync loop of a hub that has a parent: on a schedule, with backoff and jitter
/// while the parent is unreachable; the hub keeps serving its children meanwhile.
public struct UpwardSync: Sendable {
    let node: TierSyncNode
    let interval: Double
    let logger: Logger

    public init(node: TierSyncNode, interval: Double, logger: Logger) {
        self.node = node
        self.interval = interval
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run() async {
        var failures = 0
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do {
                let summary = try await SyncSession(node: node).run()
                failures = 0
                logger.info(
                    "synced with parent", metadata: ["pushed": "\(summary.pushed)", "pulled": "\(summary.pulled)"])
            } catch {
                failures += 1
                logger.warning("sync with parent failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
            }
            let wait =
                failures == 0
                ? interval : Backoff(base: min(interval, 2)).delay(afterFailures: failures, using: &random)
            try? await Task.sleep(for: .seconds(wait))
        }
    }
}
