import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Local writes with change capture against plain SQLite writes of the same rows, side by
/// side in one process, alternating runs so that machine noise hits both alike.
///
/// Plain: a prepared `INSERT`/`UPDATE` into a `contact` table with the same columns but
/// the bookkeeping, no log. TierSync: `NodeStore.write` + `ChangeWriter`, which also
/// stamps the write, keeps per-field versions and appends one log row per changed field.
struct LocalWriteBenchmark {
    let records: Int
    let runs: Int
    let directory: URL

    struct Scenario {
        let name: String
        let perTransaction: Int
        let updates: Bool
    }

    static let scenarios = [
        Scenario(name: "insert 7-field contacts, 1,000 per transaction", perTransaction: 1_000, updates: false),
        Scenario(name: "update 1 field, 1,000 per transaction", perTransaction: 1_000, updates: true),
        Scenario(name: "insert, 1 per transaction (as the CLI writes)", perTransaction: 1, updates: false),
    ]

    func run() throws -> [Measurement] {
        var results: [Measurement] = []
        for scenario in Self.scenarios {
            let count = scenario.perTransaction == 1 ? min(records, 2_000) : records
            var plain: [Double] = []
            var captured: [Double] = []
            // Inputs are made before the clock starts, so that only the writes are timed.
            let rows = (0..<count).map(Self.values)
            for run in 0..<runs {
                let ids = Self.ids(count, run: run)
                plain.append(try measurePlain(scenario, ids: ids, rows: rows, run: run))
                captured.append(try measureCaptured(scenario, ids: ids, rows: rows, run: run))
            }
            results.append(
                Measurement(
                    name: scenario.name, count: count, plainSeconds: plain.median, tierSyncSeconds: captured.median))
        }
        return results
    }

    static let fields = ["role", "hazard", "name", "post", "phone", "wechat", "last_confirmed"]

    /// The same seven values for both sides; row `i` is the same person in both.
    static func values(_ i: Int) -> [String: FieldValue] {
        [
            "role": .text("information-officer"), "hazard": .text("geological-disaster"), "name": .text("测试\(i)"),
            "post": .text("应急办"), "phone": .text("139\(String(format: "%08d", i))"), "wechat": .text("wx_user_\(i)"),
            "last_confirmed": .text("2026-11-29"),
        ]
    }

    static func ids(_ count: Int, run: Int) -> [RecordID] {
        var random = SplitMix64(state: UInt64(run + 1))
        return (0..<count).map { _ in RecordID.random(using: &random) }
    }

    func measurePlain(_ scenario: Scenario, ids: [RecordID], rows: [[String: FieldValue]], run: Int) throws -> Double {
        let count = ids.count
        let path = directory.appendingPathComponent("plain-\(run)-\(UUID().uuidString).db").path
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE contact (id TEXT NOT NULL PRIMARY KEY, org TEXT NOT NULL, "
                    + Self.fields.map { "\($0) TEXT" }.joined(separator: ", ")
                    + "); CREATE INDEX contact_org ON contact(org)")
        }
        let arguments = rows.indices.map { i in
            StatementArguments(
                [ids[i].rawValue.databaseValue, "520201".databaseValue] + Self.fields.map { rows[i][$0]!.databaseValue }
            )
        }
        let newPhones = rows.indices.map { i in
            StatementArguments(["138\(String(format: "%08d", i))", ids[i].rawValue])
        }
        let insert =
            "INSERT INTO contact (id, org, \(Self.fields.joined(separator: ", "))) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        func insertAll(_ db: Database, _ range: Range<Int>) throws {
            let statement = try db.cachedStatement(sql: insert)
            for i in range { try statement.execute(arguments: arguments[i]) }
        }
        if scenario.updates { try chunks(count, 1_000) { range in try queue.write { try insertAll($0, range) } } }
        return try time {
            try chunks(count, scenario.perTransaction) { range in
                try queue.write { db in
                    if scenario.updates {
                        let statement = try db.cachedStatement(sql: "UPDATE contact SET phone = ? WHERE id = ?")
                        for i in range { try statement.execute(arguments: newPhones[i]) }
                    } else {
                        try insertAll(db, range)
                    }
                }
            }
        }
    }

    func measureCaptured(_ scenario: Scenario, ids: [RecordID], rows: [[String: FieldValue]], run: Int) throws -> Double
    {
        let count = ids.count
        let path = directory.appendingPathComponent("tiersync-\(run)-\(UUID().uuidString).db").path
        let node = try TierSyncNode.create(
            path: path, org: "520201", logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let store = node.store
        defer { try? store.close() }
        let newPhones = rows.indices.map { i in ["phone": FieldValue.text("138\(String(format: "%08d", i))")] }
        func insertAll(_ writer: inout ChangeWriter, _ range: Range<Int>) throws {
            for i in range { try writer.insert(table: "contact", id: ids[i], org: "520201", fields: rows[i]) }
        }
        if scenario.updates { try chunks(count, 1_000) { range in try store.write { try insertAll(&$0, range) } } }
        return try time {
            try chunks(count, scenario.perTransaction) { range in
                try store.write { writer in
                    if scenario.updates {
                        for i in range { try writer.update(table: "contact", id: ids[i], fields: newPhones[i]) }
                    } else {
                        try insertAll(&writer, range)
                    }
                }
            }
        }
    }

    func chunks(_ count: Int, _ size: Int, _ body: (Range<Int>) throws -> Void) rethrows {
        var start = 0
        while start < count {
            try body(start..<min(count, start + size))
            start += size
        }
    }

    func time(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

struct Measurement {
    let name: String
    let count: Int
    let plainSeconds: Double
    let tierSyncSeconds: Double

    var ratio: Double { tierSyncSeconds / plainSeconds }
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == Double {
    var median: Double {
        let sorted = self.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
