import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Local writes with change capture against plain SQLite writes of the same rows, side by
/// side in one process, alternating runs so that machine noise hits every contender alike.
///
/// - plain: a prepared `INSERT`/`UPDATE` into a `contact` table with the same fields, no log;
/// - plain + log rows: the same, plus what TierSync adds (the row's versions text and one
///   change-log row per write, its fields after the first packed as JSON made before timing)
///   written by prepared SQL with no Swift logic: the floor of this
///   storage layout;
/// - TierSync: `NodeStore.write` + `ChangeWriter`, which also stamps the write, extends the
///   field versions and builds the changes.
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

    static let fields = ["role", "hazard", "name", "post", "phone", "wechat", "last_confirmed"]
    static let node = NodeID("0123456789abcdef")!

    func print(_ results: [Measurement]) {
        Swift.print("Local write with change capture vs plain SQLite (median of \(runs) alternating runs)\n")
        Swift.print(
            "| scenario | rows | plain SQLite rows/s | plain + log rows, SQL only (÷ plain) | TierSync rows/s | TierSync time ÷ plain |"
        )
        Swift.print("|---|---:|---:|---:|---:|---:|")
        for result in results {
            let floor = String(format: "%.2f", result.ratio(.plainWithLog))
            let ratio = String(format: "%.2f", result.ratio(.tierSync))
            Swift.print(
                "| \(result.name) | \(result.count) | \(result.rate(.plain)) | \(result.rate(.plainWithLog)) (\(floor)×) | "
                    + "\(result.rate(.tierSync)) | **\(ratio)×** |")
        }
    }

    func run() throws -> [Measurement] {
        var results: [Measurement] = []
        for scenario in Self.scenarios {
            let count = scenario.perTransaction == 1 ? min(records, 2_000) : records
            // Inputs are made before any clock starts, so that only the writes are timed.
            let rows = (0..<count).map(Self.values)
            var seconds: [Contender: [Double]] = [:]
            for run in 0..<runs {
                let input = Input(ids: Self.ids(count, run: run), rows: rows)
                for contender in Contender.allCases {
                    seconds[contender, default: []].append(try measure(contender, scenario, input))
                }
            }
            results.append(Measurement(name: scenario.name, count: count, seconds: seconds.mapValues(\.median)))
        }
        return results
    }

    enum Contender: CaseIterable { case plain, plainWithLog, tierSync }

    struct Input {
        let ids: [RecordID]
        let rows: [[String: FieldValue]]
        var count: Int { ids.count }
    }

    func measure(_ contender: Contender, _ scenario: Scenario, _ input: Input) throws -> Double {
        let path = directory.appendingPathComponent("\(contender)-\(UUID().uuidString).db").path
        switch contender {
        case .plain, .plainWithLog:
            return try measureSQL(scenario, input, path: path, withLog: contender == .plainWithLog)
        case .tierSync: return try measureTierSync(scenario, input, path: path)
        }
    }

    /// The same seven values for every contender; row `i` is the same person in all.
    static func values(_ i: Int) -> [String: FieldValue] {
        [
            "role": .text("information-officer"), "hazard": .text("geological-disaster"), "name": .text("测试\(i)"),
            "post": .text("应急办"), "phone": .text("139\(String(format: "%08d", i))"), "wechat": .text("wx_user_\(i)"),
            "last_confirmed": .text("2026-11-29"),
        ]
    }

    static func newPhone(_ i: Int) -> FieldValue { .text("138\(String(format: "%08d", i))") }

    static func ids(_ count: Int, run: Int) -> [RecordID] {
        var random = SplitMix64(seed: UInt64(run + 1))
        return (0..<count).map { _ in RecordID.random(using: &random) }
    }

    func measureSQL(_ scenario: Scenario, _ input: Input, path: String, withLog: Bool) throws -> Double {
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        // The same durability as a node's (NodeStore.openQueue): a commit is synced when it returns.
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE contact (id TEXT NOT NULL PRIMARY KEY, org TEXT NOT NULL, versions TEXT, "
                    + Self.fields.map { "\($0) TEXT" }.joined(separator: ", ")
                    + "); CREATE INDEX contact_org ON contact(org);"
                    + "CREATE TABLE change_log_row (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, record TEXT NOT NULL,"
                    + " org TEXT NOT NULL, field TEXT NOT NULL, value, hlc INTEGER NOT NULL, node TEXT NOT NULL, vv TEXT NOT NULL,"
                    + " n INTEGER NOT NULL DEFAULT 1 CHECK (n >= 1), more TEXT)"
            )
        }
        let versionsText = withLog ? "* 117000000000000000 \(Self.node) \(Self.node):1" : nil
        let inserts = input.rows.indices.map { i in
            StatementArguments(
                [input.ids[i].rawValue.databaseValue, "520201".databaseValue, versionsText.databaseValue]
                    + Self.fields.map { input.rows[i][$0]!.databaseValue })
        }
        // The write's fields after the first, packed as TierSync packs them, made before timing.
        let logRows = input.rows.indices.map { i in
            let more = Self.fields.dropFirst().map { "[\"\($0)\",\"\(input.rows[i][$0]!.textValue!)\"]" }
            return StatementArguments(
                [Int64(Self.fields.count).databaseValue]
                    + logRow(
                        input.ids[i], field: Self.fields[0], value: input.rows[i][Self.fields[0]]!,
                        vector: "\(Self.node):1")
                    + ["[" + more.joined(separator: ",") + "]"])
        }
        let updates = input.rows.indices.map { i in
            StatementArguments([
                Self.newPhone(i).databaseValue, versionsText.databaseValue, input.ids[i].rawValue.databaseValue,
            ])
        }
        let updateLogRows = input.rows.indices.map { i in
            StatementArguments(
                [1.databaseValue]
                    + logRow(input.ids[i], field: "phone", value: Self.newPhone(i), vector: "\(Self.node):2")
                    + [DatabaseValue.null])
        }
        let insertSQL =
            "INSERT INTO contact (id, org, versions, \(Self.fields.joined(separator: ", "))) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        let logSQL = { (_: Int) in
            "INSERT INTO change_log_row (seq, n, tbl, record, org, field, value, hlc, node, vv, more) "
                + "VALUES ((SELECT coalesce(max(seq), 0) FROM change_log_row) + ?1, ?1, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        }
        func insertAll(_ db: Database, _ range: Range<Int>) throws {
            let insert = try db.cachedStatement(sql: insertSQL)
            let log = try db.cachedStatement(sql: logSQL(Self.fields.count))
            for i in range {
                try insert.execute(arguments: inserts[i])
                if withLog { try log.execute(arguments: logRows[i]) }
            }
        }
        if scenario.updates { try chunks(input.count, 1_000) { range in try queue.write { try insertAll($0, range) } } }
        return try time {
            try chunks(input.count, scenario.perTransaction) { range in
                try queue.write { db in
                    guard scenario.updates else { return try insertAll(db, range) }
                    let update = try db.cachedStatement(sql: "UPDATE contact SET phone = ?, versions = ? WHERE id = ?")
                    let log = try db.cachedStatement(sql: logSQL(1))
                    for i in range {
                        try update.execute(arguments: updates[i])
                        if withLog { try log.execute(arguments: updateLogRows[i]) }
                    }
                }
            }
        }
    }

    func logRow(_ id: RecordID, field: String, value: FieldValue, vector: String) -> [DatabaseValue] {
        ["contact", id.rawValue, "520201", field].map(\.databaseValue)
            + [
                value.databaseValue, Int64(117_000_000_000_000_000).databaseValue, Self.node.rawValue.databaseValue,
                vector.databaseValue,
            ]
    }

    func measureTierSync(_ scenario: Scenario, _ input: Input, path: String) throws -> Double {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try TierSyncNode.create(path: path, org: "520201", logger: silent).store
        defer { try? store.close() }
        let newPhones = input.rows.indices.map { ["phone": Self.newPhone($0)] }
        func insertAll(_ writer: inout ChangeWriter, _ range: Range<Int>) throws {
            for i in range {
                try writer.insert(table: "contact", id: input.ids[i], org: "520201", fields: input.rows[i])
            }
        }
        if scenario.updates {
            try chunks(input.count, 1_000) { range in try store.write { try insertAll(&$0, range) } }
        }
        return try time {
            try chunks(input.count, scenario.perTransaction) { range in
                try store.write { writer in
                    guard scenario.updates else { return try insertAll(&writer, range) }
                    for i in range { try writer.update(table: "contact", id: input.ids[i], fields: newPhones[i]) }
                }
            }
        }
    }

}

func chunks(_ count: Int, _ size: Int, _ body: (Range<Int>) throws -> Void) rethrows {
    for start in stride(from: 0, to: count, by: size) { try body(start..<min(count, start + size)) }
}

/// Seconds `body` takes.
func time(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

struct Measurement {
    let name: String
    let count: Int
    let seconds: [LocalWriteBenchmark.Contender: Double]

    func rate(_ contender: LocalWriteBenchmark.Contender) -> Int { Int(Double(count) / seconds[contender]!) }
    func ratio(_ contender: LocalWriteBenchmark.Contender) -> Double { seconds[contender]! / seconds[.plain]! }
}

extension Array where Element == Double {
    var median: Double {
        let sorted = self.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
