import ArgumentParser
import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Applying a batch of remote field changes, with conflict detection, against a plain SQLite
/// upsert of the same field values, side by side with alternating runs.
///
/// The batch is what a township node's log holds after entering contacts: one change per
/// field, record after record. The receiver made `conflictPercent`% of the same records
/// itself (as when two nodes enter one person offline), so every field of those conflicts.
/// Plain: one `INSERT … ON CONFLICT(id) DO UPDATE SET field = excluded.field` per change, the
/// same transactions of 2,000. TierSync: `ChangeWriter.apply` per 2,000 changes, which also
/// checks each change, compares version vectors, keeps conflict losers, logs every applied
/// change and keeps field versions.
struct ApplyBenchmark {
    let changes: Int
    let conflictPercent: Int
    let runs: Int
    let directory: URL
    /// A PostgreSQL server to measure the same batch on, beside SQLite.
    var postgres: PostgresAddress?

    static let batchSize = 2_000
    static let remote = NodeID("00000000000000aa")!
    static let org = "520201"

    struct Result {
        let changes: Int
        let conflicts: Int
        let plainSeconds: Double
        let tierSyncSeconds: Double
        var postgresSeconds: Double?
        var rateRatio: Double { plainSeconds / tierSyncSeconds }
    }

    func print(_ result: Result) {
        let plainRate = Int(Double(result.changes) / result.plainSeconds)
        let rate = Int(Double(result.changes) / result.tierSyncSeconds)
        Swift.print("Applying remote field changes vs plain SQLite upserts (median of \(runs) alternating runs)\n")
        Swift.print(
            "| changes | of which conflict | plain upsert changes/s | TierSync apply changes/s | TierSync rate ÷ plain |"
        )
        Swift.print("|---:|---:|---:|---:|---:|")
        Swift.print(
            "| \(result.changes) | \(result.conflicts) | \(plainRate) | \(rate) | **\(String(format: "%.2f", result.rateRatio))×** |"
        )
        if let postgres = result.postgresSeconds {
            Swift.print("\n| store | apply changes/s | ÷ SQLite's |")
            Swift.print("|---|---:|---:|")
            Swift.print("| TierSync on SQLite | \(rate) | 1.00× |")
            Swift.print(
                "| TierSync on PostgreSQL | \(Int(Double(result.changes) / postgres)) | "
                    + "\(String(format: "%.2f", result.tierSyncSeconds / postgres))× |")
        }
    }

    func run() throws -> Result {
        let fields = LocalWriteBenchmark.fields
        let records = changes / fields.count
        var random = SplitMix64(seed: 3)
        let ids = (0..<records).map { _ in RecordID.random(using: &random) }
        let base = HLCTimestamp(physical: 1_764_000_000_000, counter: 0).rawValue
        var batch: [FieldChange] = []
        batch.reserveCapacity(records * fields.count)
        for (i, id) in ids.enumerated() {
            let values = LocalWriteBenchmark.values(i)
            for field in fields {
                batch.append(
                    FieldChange(
                        table: "contact", record: id, org: Self.org, field: field, value: values[field]!,
                        hlc: HLCTimestamp(rawValue: base + Int64(i) << 16), node: Self.remote,
                        versionVector: VersionVector([Self.remote: 1])))
            }
        }
        let shared = Array(ids.prefix(records * conflictPercent / 100))
        var plain: [Double] = []
        var captured: [Double] = []
        var onPostgres: [Double] = []
        var conflicts = 0
        for run in 0..<runs {
            plain.append(try measurePlain(batch, shared: shared, run: run))
            var reports: [ApplyReport] = []
            let (seconds, report) = try measureTierSync(batch, shared: shared, run: run)
            captured.append(seconds)
            reports.append(report)
            if let postgres {
                let (seconds, report) = try measurePostgres(batch, shared: shared, run: run, server: postgres)
                onPostgres.append(seconds)
                reports.append(report)
            }
            conflicts = report.conflicts
            for report in reports where report.applied != batch.count || !report.refused.isEmpty {
                throw ValidationError(
                    "apply did not take every change: \(report.applied) applied, \(report.refused.count) refused")
            }
            guard Set(reports.map(\.conflicts)).count == 1 else {
                throw ValidationError("the stores found different conflicts: \(reports.map(\.conflicts))")
            }
        }
        var result = Result(
            changes: batch.count, conflicts: conflicts, plainSeconds: plain.median, tierSyncSeconds: captured.median)
        result.postgresSeconds = onPostgres.isEmpty ? nil : onPostgres.median
        return result
    }

    func measurePlain(_ batch: [FieldChange], shared: [RecordID], run: Int) throws -> Double {
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(
            path: directory.appendingPathComponent("plain-\(run).db").path, configuration: configuration)
        defer { try? queue.close() }
        let fields = LocalWriteBenchmark.fields
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE contact (id TEXT NOT NULL PRIMARY KEY, org TEXT NOT NULL, "
                    + fields.map { "\($0) TEXT" }.joined(separator: ", ")
                    + "); CREATE INDEX contact_org ON contact(org)")
            for id in shared {
                try db.execute(
                    sql: "INSERT INTO contact (id, org, name) VALUES (?, ?, '本地')", arguments: [id.rawValue, Self.org])
            }
        }
        let arguments = batch.map { StatementArguments([$0.record.rawValue, $0.org, $0.value.databaseValue]) }
        return try time {
            try chunks(batch.count, Self.batchSize) { range in
                try queue.write { db in
                    for i in range {
                        let field = batch[i].field
                        try db.cachedStatement(
                            sql:
                                "INSERT INTO contact (id, org, \(field)) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET \(field) = excluded.\(field)"
                        ).execute(arguments: arguments[i])
                    }
                }
            }
        }
    }

    func measureTierSync(_ batch: [FieldChange], shared: [RecordID], run: Int) throws -> (Double, ApplyReport) {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let node = try TierSyncNode.create(
            path: directory.appendingPathComponent("tiersync-\(run).db").path, org: Self.org, logger: silent)
        let store = node.store
        defer { try? store.close() }
        try store.write { writer in
            for (i, id) in shared.enumerated() {
                try writer.insert(
                    table: "contact", id: id, org: Self.org, fields: LocalWriteBenchmark.values(i + 1_000_000))
            }
        }
        var report = ApplyReport()
        let seconds = try time {
            try chunks(batch.count, Self.batchSize) { range in
                let part = try store.write { writer in try writer.apply(batch[range], nodes: [Self.remote: Self.org]) }
                report.add(part)
            }
        }
        return (seconds, report)
    }
}
