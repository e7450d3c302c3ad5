import Logging
import ServiceLifecycle
import TierSyncDomain

/// The upward sync loop of a hub that has a parent, run as a service beside the HTTP server:
/// it syncs right after the node's log grows (a local write, or a child's push to forward),
/// and on a schedule otherwise; while the parent is unreachable it backs off exponentially,
/// with jitter, and the hub keeps serving its children. Graceful shutdown cancels it between
/// pages (every page is its own transaction, so nothing is half-done).
public struct UpwardSync: Service {
    let node: any SyncChild
    let interval: Double
    let logger: Logger
    /// How often the log is checked for new entries.
    let poll: Double
    /// Seconds a request to the parent may take (a page, or a chunk of a file).
    let timeout: Double

    /// The upward loop a hub for `node` runs beside its server: one when the node has a
    /// parent, none otherwise.
    public static func services(for node: any SyncChild, interval: Double, logger: Logger, timeout: Double = 30)
        throws -> [any Service]
    {
        try node.parentLink() == nil
            ? [] : [UpwardSync(node: node, interval: interval, logger: logger, timeout: timeout)]
    }

    public init(node: any SyncChild, interval: Double, logger: Logger, poll: Double = 0.5, timeout: Double = 30) {
        self.node = node
        self.interval = interval
        self.logger = logger
        self.poll = poll
        self.timeout = timeout
    }

    public func run() async throws {
        // Stop with the server: graceful shutdown cancels the loop, between pages or in a wait.
        do {
            try await cancelWhenGracefulShutdown { try await loop() }
        } catch is CancellationError {
            logger.info("upward sync stopped")
        }
    }

    /// Whether the node's log holds something for the parent that it has not acknowledged.
    private func hasChangesForParent() throws -> Bool {
        guard let link = try node.parentLink() else { return false }
        var found = false
        try node.outgoing(to: try node.peer(link.org), after: try node.cursor(for: link.org).ackedSeq, limit: 1) { _ in
            found = true
        }
        return found
    }

    /// The longest wait between retries of a parent that does not answer: a township's link
    /// that comes back is used within a minute.
    static let longestWait: Double = 60

    private func loop() async throws {
        var failures = 0
        var random = SystemRandomNumberGenerator()
        var syncedUpTo: Int64 = -1
        var nextSync = ContinuousClock.now
        // One transport (one URLSession, its connections kept alive) for every sync of the
        // loop, rather than a new session every few seconds.
        let transport = URLSessionTransport(timeout: timeout)
        while !Task.isCancelled {
            let logEnd = (try? node.lastSequence()) ?? syncedUpTo
            var grew = failures == 0 && logEnd != syncedUpTo
            // The log may grow with what another process of the hub pulled from the parent:
            // only something to send up calls for a sync before the schedule.
            if grew, !((try? hasChangesForParent()) ?? true) {
                (syncedUpTo, grew) = (logEnd, false)
            }
            if ContinuousClock.now >= nextSync || grew {
                var progressed = false
                do {
                    // The session reads the parent link once the claim is held: another process's
                    // sync may have just completed the bootstrap that this one would repeat.
                    let summary = try await node.syncingAlone(wait: false) {
                        try await SyncSession(node: node, transport: transport).run { progress in
                            progressed = progressed || progress.changes > 0
                        }
                    }
                    failures = 0
                    syncedUpTo = (try? node.lastSequence()) ?? logEnd
                    nextSync = ContinuousClock.now + .seconds(interval)
                    // nil: another process sharing this hub's store is syncing it, for both.
                    if let summary, summary.pushed + summary.pulled > 0 {
                        logger.info(
                            "synced with parent",
                            metadata: [
                                "pushed": "\(summary.pushed)", "pulled": "\(summary.pulled)",
                                "conflicts": "\(summary.conflicts)",
                            ])
                    }
                } catch {
                    // A try that moved changes or file chunks before the link broke is not a
                    // parent that is down: the next one goes on from where it stopped (nothing
                    // moved is lost), after 2–4 s, instead of waiting longer after every cut;
                    // not sooner, so that a parent failing the same step each time is not
                    // asked again and again.
                    failures = progressed ? 1 : failures + 1
                    // A hub that refuses (revoked, out of scope) will not change its mind in
                    // seconds: retry it on the schedule; a hub that is down, with backoff.
                    let transient = (error as? ClientError)?.isTransient ?? true
                    let wait =
                        transient
                        ? Backoff(base: progressed ? 2 : min(interval, 2), cap: Self.longestWait).delay(
                            afterFailures: failures, using: &random) : interval
                    nextSync = ContinuousClock.now + .milliseconds(Int64(wait * 1000))
                    logger.warning(
                        "sync with parent failed; retrying",
                        metadata: ["error": "\(error)", "failures": "\(failures)", "retry in s": "\(wait)"])
                }
            }
            try await Task.sleep(for: .milliseconds(Int64(poll * 1000)))
        }
    }
}
