import Foundation
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// The overview's reports, kept per org and options at the log position they were made at,
/// so that an officer's page does not group a province's million records at every visit.
///
/// ```swift
/// let cache = RollupCache()
/// let data = try DashboardData.load(hub: node, org: province, scope: province, options: options, cache: cache)
/// data.current   // false while a newer position is being summed up in the background
/// ```
///
/// Every change a node makes or accepts is logged, except the records a new node copies
/// from its parent's snapshot, whose progress its parent's cursor keeps; and the reports
/// read only these tables (and the org tree, which changes only at `init`). So the log's
/// newest sequence number, with that progress, tells whether kept reports still hold. When
/// either has moved, the page is answered at once
/// with the reports of the older position, saying so and when they were made, and one
/// background refresh makes them again; a page never waits for the grouping unless this
/// org and these options were never asked for. Refreshes run one at a time, in the hub's
/// `readingReports` (a SQLite node's second connection), so that a busy hub's syncs and
/// pages do not wait behind them. On PostgreSQL, every process keeps its own cache.
public final class RollupCache: @unchecked Sendable {
    /// The reports of one org and options, with the log position and time they were made at.
    public struct Rollups: Sendable {
        public let reports: [ReportKind: Report]
        /// The log's newest sequence number when they were made.
        public let position: Int64
        /// How far a snapshot from the parent had been copied then (records not in the log).
        let copied: String
        public let madeAt: Date
        /// False when the log has moved since and newer reports are being made.
        public var current: Bool
    }

    struct Key: Hashable {
        let org: String
        let asOf: Int
        let staleAfterDays: Int
        let months: String?
        let detailLimit: Int?

        init(org: String, options: ReportOptions) {
            self.org = org
            asOf = options.asOf.daysSinceEpoch
            staleAfterDays = options.staleAfterDays
            months = options.months.map { "\($0.lowerBound)...\($0.upperBound)" }
            detailLimit = options.detailLimit
        }
    }

    private struct Entry {
        var rollups: Rollups
        var refreshing = false
        var lastUsed: Date
    }

    /// How many orgs and options are kept; the one used least recently goes first.
    public let capacity: Int
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private let refreshes = DispatchQueue(label: "tiersync.rollups", qos: .utility)
    /// Called after each background refresh (tests and benchmarks wait on it).
    let onRefresh: (@Sendable (Rollups) -> Void)?

    public init(capacity: Int = 64, onRefresh: (@Sendable (Rollups) -> Void)? = nil) {
        self.capacity = capacity
        self.onRefresh = onRefresh
    }

    /// The reports of `org` under `options`: kept ones when the log has not moved since they
    /// were made, kept older ones while a refresh runs when it has, or new ones made now.
    public func rollups(hub: any SyncHub, org: String, options: ReportOptions) throws -> Rollups {
        let key = Key(org: org, options: options)
        let (position, copied) = try hub.readingRecords { db in try Self.position(db, hub: hub) }
        let kept: Rollups? = lock.withLock {
            guard var entry = entries[key] else { return nil }
            entry.lastUsed = Date()
            let current = entry.rollups.position == position && entry.rollups.copied == copied
            let startRefresh = !current && !entry.refreshing
            entry.refreshing = entry.refreshing || startRefresh
            entries[key] = entry
            if startRefresh { refresh(key, hub: hub, options: options) }
            var rollups = entry.rollups
            rollups.current = current
            return rollups
        }
        if let kept { return kept }
        let made = try Self.make(hub: hub, org: org, options: options)
        store(made, for: key)
        return made
    }

    /// Makes the reports of `org` now and keeps them: a hub calls this as it starts, so that
    /// the first officer to open its overview does not wait.
    public func warm(hub: any SyncHub, org: String, options: ReportOptions) {
        refreshes.async { [self] in
            guard let made = try? Self.make(hub: hub, org: org, options: options) else { return }
            store(made, for: Key(org: org, options: options))
            onRefresh?(made)
        }
    }

    private func refresh(_ key: Key, hub: any SyncHub, options: ReportOptions) {
        refreshes.async { [self] in
            let made = try? Self.make(hub: hub, org: key.org, options: options)
            lock.withLock { entries[key]?.refreshing = false }
            if let made {
                store(made, for: key)
                onRefresh?(made)
            }
        }
    }

    private func store(_ rollups: Rollups, for key: Key) {
        lock.withLock {
            // A refresh that read an older position than one kept since is dropped.
            if let kept = entries[key]?.rollups, kept.position > rollups.position { return }
            entries[key] = Entry(rollups: rollups, refreshing: entries[key]?.refreshing ?? false, lastUsed: Date())
            while entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                entries[oldest.key] = nil
            }
        }
    }

    /// Every report of `org`, and the log position they hold at, read in one transaction
    /// (`readingReports`: syncs and other pages do not wait for them).
    static func make(hub: any SyncHub, org: String, options: ReportOptions) throws -> Rollups {
        try hub.readingReports { db in
            let (position, copied) = try position(db, hub: hub)
            return Rollups(
                reports: try Report.make(ReportKind.allCases, org: org, options: options, db: db),
                position: position, copied: copied, madeAt: Date(), current: true)
        }
    }

    /// The log's newest sequence number, and the progress of a snapshot from the parent
    /// (where it stands, and the position it ended at), read in `db`.
    static func position(_ db: any SQLReader, hub: any SyncHub) throws -> (Int64, String) {
        let copied: String =
            try db.rows(
                """
                SELECT coalesce(snapshot_after, '') || '@' || received_seq FROM peer_cursor
                WHERE org = (SELECT org FROM parent_link)
                """
            ).first?[0] ?? ""
        return (try hub.lastSequence(in: db), copied)
    }
}
