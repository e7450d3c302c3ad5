import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The hub's one writer alone: the fan-in's pushes (each township's new contacts) applied by
/// `SyncHub.acceptPushes` in groups, as the group commit makes them, with no HTTP; beside
/// plain SQLite upserts of the same field values in the same transactions, alternating runs.
///
/// The fan-in's latency is bound by this writer: its pushes wait in line for it. This
/// measures it without the noise of 1,000 connections on the same two cores.
struct GroupApplyBenchmark {
    let pushes: Int
    let changes: Int
    let group: Int
    let runs: Int
    let directory: URL

    struct Result {
        let plainSeconds: Double
        let tierSyncSeconds: Double
    }

    func run() throws -> Result {
        var plain: [Double] = []
        var tierSync: [Double] = []
        for run in 0..<runs {
            let (seconds, batches) = try measureTierSync(run: run)
            tierSync.append(seconds)
            plain.append(try measurePlain(batches, run: run))
        }
        return Result(plainSeconds: plain.median, tierSyncSeconds: tierSync.median)
    }

    func print(_ result: Result) {
        Swift.print(
            "The hub's writer: \(pushes) pushes of \(changes) changes in groups of \(group), vs plain SQLite upserts (median of \(runs) alternating runs)\n"
        )
        Swift.print("| pushes | changes each | group | plain s | TierSync s | TierSync ÷ plain | TierSync changes/s |")
        Swift.print("|---:|---:|---:|---:|---:|---:|---:|")
        Swift.print(
            "| \(pushes) | \(changes) | \(group) | \(String(format: "%.3f", result.plainSeconds)) | "
                + "\(String(format: "%.3f", result.tierSyncSeconds)) | "
                + "**\(String(format: "%.2f", result.tierSyncSeconds / result.plainSeconds))×** | "
                + "\(Int(Double(pushes * changes) / result.tierSyncSeconds)) |")
    }

    /// Applies the pushes on a fresh county hub; returns the seconds and the changes of each group.
    func measureTierSync(run: Int) throws -> (Double, [[FieldChange]]) {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let county = try TierSyncNode.create(
            path: directory.appendingPathComponent("county-\(run).db").path, org: "520201", logger: silent)
        defer { try? county.store.close() }
        let clients = try FanInBenchmark.enroll(pushes, at: county, seed: 9, distinct: true)
        let all = clients.map { client in
            ChildPush(
                credential: client.credential,
                changes: FanInBenchmark.changes(of: client.node, org: client.org, count: changes),
                nodes: [client.node.rawValue: client.org], upTo: Int64(changes))
        }
        var groups: [[FieldChange]] = []
        let seconds = try time {
            try chunks(all.count, group) { range in
                for outcome in try county.acceptPushes(Array(all[range])) {
                    let report = try outcome.get().report
                    guard report.applied == changes else {
                        throw ValidationErrorText("a push applied \(report.applied) of \(changes) changes")
                    }
                }
                groups.append(all[range].flatMap(\.changes))
            }
        }
        return (seconds, groups)
    }

    /// The same field values as plain upserts into a `contact` table, one transaction a group,
    /// synced at each commit as the hub's are.
    func measurePlain(_ groups: [[FieldChange]], run: Int) throws -> Double {
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(
            path: directory.appendingPathComponent("plain-\(run).db").path, configuration: configuration)
        defer { try? queue.close() }
        try queue.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    PRAGMA synchronous = FULL;
                    CREATE TABLE contact (id TEXT NOT NULL PRIMARY KEY, org TEXT NOT NULL, role TEXT, name TEXT, phone TEXT, post TEXT);
                    CREATE INDEX contact_org ON contact(org)
                    """)
        }
        return try time {
            for changes in groups {
                try queue.write { db in
                    for change in changes {
                        try db.cachedStatement(
                            sql:
                                "INSERT INTO contact (id, org, \(change.field)) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET \(change.field) = excluded.\(change.field)"
                        ).execute(arguments: [change.record.rawValue, change.org, change.value.databaseValue])
                    }
                }
            }
        }
    }
}
