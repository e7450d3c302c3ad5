import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// The same batch applied to a PostgreSQL store (`--postgres URL`), in a new database of its
/// own per run, beside SQLite in the same run.
extension ApplyBenchmark {
    func measurePostgres(_ batch: [FieldChange], shared: [RecordID], run: Int, server: PostgresAddress) throws
        -> (Double, ApplyReport)
    {
        try BenchmarkDatabase.with(server, name: "tiersync_bench_apply_\(run)") { address in
            try measure(batch, shared: shared, at: address)
        }
    }

    private func measure(_ batch: [FieldChange], shared: [RecordID], at address: PostgresAddress) throws
        -> (Double, ApplyReport)
    {
        let silent = BenchmarkDatabase.silent
        var random = SystemRandomNumberGenerator()
        let store = try PostgresStore.create(
            address: address, org: Self.org, orgs: try SeedData.builtIn().orgs, nodeID: NodeID.random(using: &random),
            policies: RecordKind.mergePolicies, logger: silent)
        defer { store.close() }
        // The receiver's own versions of the shared records, made by another node before.
        let local = NodeID("00000000000000bb")!
        let own = shared.enumerated().flatMap { i, id in
            LocalWriteBenchmark.values(i + 1_000_000).map { field, value in
                FieldChange(
                    table: "contact", record: id, org: Self.org, field: field, value: value,
                    hlc: HLCTimestamp(physical: 1_763_000_000_000 + Int64(i), counter: 0), node: local,
                    versionVector: VersionVector([local: 1]))
            }
        }
        _ = try store.apply(own, nodes: [local: Self.org])
        var report = ApplyReport()
        let seconds = try time {
            try chunks(batch.count, Self.batchSize) { range in
                report.add(try store.apply(Array(batch[range]), nodes: [Self.remote: Self.org]))
            }
        }
        return (seconds, report)
    }
}
