import Foundation
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Reading the log as a push or a pull does (`NodeStore.forEachChange` from the start), over
/// the same entries logged two ways, side by side: packed one row per write, as a node logs its
/// own writes and those it receives, and one row per entry, as logs were before migration 0016.
///
/// It checks that packing local writes (`Schema/0016_packed_log.sql`), which made them cheaper,
/// did not make sending them dearer.
struct LogReadBenchmark {
    let records: Int
    let runs: Int
    let directory: URL

    func run() throws {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let packed = try TierSyncNode.create(path: path("packed"), org: "520201", logger: silent).store
        let single = try TierSyncNode.create(path: path("single"), org: "520201", logger: silent).store
        defer {
            try? packed.close()
            try? single.close()
        }
        var random = SplitMix64(seed: 7)
        try chunks(records, 1_000) { range in
            let changes = try packed.write { writer in
                try range.flatMap { i in
                    try writer.insert(
                        table: "contact", id: RecordID.random(using: &random), org: "520201",
                        fields: LocalWriteBenchmark.values(i))
                }
            }
            try single.write { writer in _ = try writer.apply(changes, skewBound: .max) }
        }
        // Received from a peer, the same changes are packed too: unpacked here, one row per
        // entry, as a log written before migration 0016 holds them.
        try single.write { writer in
            try writer.db.execute(
                sql: """
                    CREATE TEMP TABLE unpacked AS SELECT * FROM change_log;
                    DELETE FROM change_log_row;
                    INSERT INTO change_log_row (seq, tbl, record, org, field, value, hlc, node, vv) SELECT * FROM unpacked;
                    DROP TABLE unpacked;
                    """)
        }
        var seconds: [String: [Double]] = [:]
        var counts: [String: Int] = [:]
        for _ in 0..<runs {
            for (name, store) in [("packed", packed), ("single", single)] {
                var count = 0
                seconds[name, default: []].append(
                    try time {
                        try store.forEachChange(after: 0) { _ in
                            count += 1
                            return true
                        }
                    })
                counts[name] = count
            }
        }
        precondition(counts["packed"] == counts["single"], "both logs hold the same entries")
        let entries = counts["packed"] ?? 0
        let packedSeconds = seconds["packed"]!.median
        let singleSeconds = seconds["single"]!.median
        Swift.print("\nReading the log from the start (`forEachChange`, median of \(runs) alternating runs)\n")
        Swift.print("| log of \(records) inserted contacts | entries | seconds | entries/s |")
        Swift.print("|---|---:|---:|---:|")
        Swift.print(
            "| one row per entry (as before 0016) | \(entries) | \(format(singleSeconds)) | \(Int(Double(entries) / singleSeconds)) |"
        )
        Swift.print(
            "| packed, one row per write (as written and received now) | \(entries) | \(format(packedSeconds)) | "
                + "\(Int(Double(entries) / packedSeconds)) (\(format(packedSeconds / singleSeconds))× the time) |")
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent("\(name).db").path }
    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
