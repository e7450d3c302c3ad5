import Foundation
import GRDB
import TierSyncCore

@testable import TierSyncStore

/// A temporary folder removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A wall clock the test moves by hand.
final class ManualWallClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var milliseconds: Int64
    init(_ milliseconds: Int64) { self.milliseconds = milliseconds }
    func nowMilliseconds() -> Int64 { lock.withLock { milliseconds } }
    func set(_ value: Int64) { lock.withLock { milliseconds = value } }
}

enum TestStore {
    static let org = "520201"

    /// The org units the tests need.
    static func seed(_ db: Database) throws {
        try OrgUnit(code: "520000", parent: nil, name: "贵州省", level: .province, path: "520000", sample: false).insert(
            db)
        try OrgUnit(code: "520200", parent: "520000", name: "六盘水市", level: .city, path: "520000/520200", sample: false)
            .insert(db)
        try OrgUnit(
            code: org, parent: "520200", name: "钟山区", level: .county, path: "520000/520200/520201", sample: false
        ).insert(db)
        try OrgUnit(
            code: township, parent: org, name: "大河镇", level: .township, path: "520000/520200/520201/520201101",
            sample: true
        ).insert(db)
    }

    static let township = "520201101"

    /// The seed of a property test: `TIERSYNC_TEST_SEED` replays a failure an earlier run
    /// printed; otherwise a new random one.
    static func propertySeed() -> UInt64 {
        ProcessInfo.processInfo.environment["TIERSYNC_TEST_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max)
    }

    static func create(
        _ path: String, org: String = org, clock: any WallClock = ManualWallClock(1_764_000_000_000),
        seed node: UInt64 = 1,
        policies: MergePolicies = MergePolicies()
    ) throws -> NodeStore {
        var random = SplitMix64(seed: node)
        return try NodeStore.create(
            path: path, org: org, policies: policies, wallClock: clock, randomNumbers: &random, seed: seed)
    }

    /// The changes a node made itself, in log order.
    static func own(_ store: NodeStore) throws -> [FieldChange] {
        try changeLog(store).filter { $0.node == store.node.id }
    }

    /// Every change in `from`'s log, applied at `to` in one transaction.
    @discardableResult
    static func ship(_ changes: [FieldChange], to store: NodeStore, nodes: [NodeID: String] = [:]) throws -> ApplyReport
    {
        try store.write { writer in try writer.apply(changes, nodes: nodes) }
    }

    /// What a node shows of its records: every record with its fields and tombstone, sorted.
    static func shown(_ store: NodeStore) throws -> [String] {
        try store.read { db in
            var lines: [String] = []
            for table in store.tables.values.sorted(by: { $0.name < $1.name }) {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table.name) ORDER BY id") {
                    let record = try StoredRecord(table: table, row: row)
                    lines.append(
                        "\(table.name) \(record.id) \(record.org) deleted=\(record.deleted) "
                            + table.fieldNames.map { "\($0)=\(record[$0])" }.joined(separator: " "))
                }
            }
            return lines
        }
    }

    /// The versions a node keeps but does not show (open conflicts), in a comparable form.
    static func keptConflicts(_ store: NodeStore) throws -> [String] {
        try store.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT kind || ' ' || tbl || ' ' || record || ' ' || field || ' ' || node || ' ' || hlc || ' ' || quote(value)
                    FROM conflict WHERE settled_hlc IS NULL ORDER BY 1
                    """)
        }
    }

    static func changeLog(_ store: NodeStore) throws -> [FieldChange] {
        try store.read { db in try ChangeLogEntry.fetch(db).map(\.change) }
    }

    static func newID(_ n: UInt64) -> RecordID {
        var random = SplitMix64(seed: n)
        return RecordID.random(using: &random)
    }
}
