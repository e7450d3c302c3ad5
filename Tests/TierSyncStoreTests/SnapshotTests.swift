import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

/// Bootstrapping from record rows (a snapshot) instead of the log: the same records, the same
/// kept conflicts, and the same future, whatever the history behind them.
@Suite struct SnapshotTests {
    @Test(
        "a node bootstrapped from a snapshot equals one bootstrapped from the log, then and after more edits (seeded)")
    func snapshotEqualsLogReplay() throws {
        let seed = TestStore.propertySeed()
        var random = SplitMix64(seed: seed)
        for round in 0..<20 {
            let context = "seed \(seed), round \(round)"
            let dir = try TemporaryDirectory()
            let clock = ManualWallClock(1_764_000_000_000)
            let nodes = try (0..<3).map {
                try TestStore.create(dir.path("n\($0).db"), clock: clock, seed: UInt64($0 + 1))
            }
            let ids = (0..<5).map { _ in RecordID.random(using: &random) }
            try ConvergenceTests.editRandomly(nodes, ids: ids, clock: clock, steps: 50, random: &random)

            let replayed = try TestStore.create(dir.path("replayed.db"), clock: clock, seed: 11)
            try TestStore.ship(try TestStore.changeLog(nodes[0]), to: replayed)
            let copied = try TestStore.create(dir.path("copied.db"), clock: clock, seed: 12)
            let pageSize = Int.random(in: 1...4, using: &random)
            let report = try Self.bootstrap(copied, from: nodes[0], pageSize: pageSize)
            #expect(report.refused.isEmpty, "\(context): \(report.refused)")
            let count = try Self.recordCount(nodes[0])
            #expect(report.applied == 0 && report.records == count, "\(context)")
            #expect(try TestStore.shown(copied) == TestStore.shown(replayed), "\(context)")
            #expect(try TestStore.keptConflicts(copied) == TestStore.keptConflicts(replayed), "\(context)")

            // The copied versions are the real ones: later edits merge there exactly as at the
            // node that replayed the log.
            try ConvergenceTests.editRandomly(nodes, ids: ids, clock: clock, steps: 30, random: &random)
            for node in nodes {
                let log = try TestStore.changeLog(node).shuffled(using: &random)
                try TestStore.ship(log, to: replayed)
                try TestStore.ship(log, to: copied)
            }
            #expect(try TestStore.shown(copied) == TestStore.shown(replayed), "\(context)")
            #expect(try TestStore.keptConflicts(copied) == TestStore.keptConflicts(replayed), "\(context)")
            #expect(try TestStore.changeLog(copied).count <= TestStore.changeLog(replayed).count, "\(context)")
        }
    }

    @Test("a record the node already has is merged field by field: a snapshot never overwrites an edit")
    func existingRecordIsMerged() throws {
        let dir = try TemporaryDirectory()
        let clock = ManualWallClock(1_764_000_000_000)
        let parent = try TestStore.create(dir.path("parent.db"), clock: clock, seed: 1)
        let child = try TestStore.create(dir.path("child.db"), clock: clock, seed: 2)
        let id = TestStore.newID(1)
        try parent.write { try $0.insert(table: "contact", id: id, org: TestStore.org, fields: ["name": .text("甲")]) }
        try TestStore.ship(try TestStore.changeLog(parent), to: child)
        clock.set(clock.nowMilliseconds() + 10)
        try child.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000001")]) }
        clock.set(clock.nowMilliseconds() + 10)
        try parent.write { try $0.update(table: "contact", id: id, fields: ["name": .text("乙")]) }

        let report = try Self.bootstrap(child, from: parent, pageSize: 10)
        #expect(report.records == 0)
        #expect(report.applied == 1 && report.refused.isEmpty)
        let record = try child.write { try $0.fetch(table: "contact", id: id) }
        #expect(record?["name"] == .text("乙") && record?["phone"] == .text("13900000001"))
    }

    @Test("malformed rows are refused one by one, naming why; the rest of the page is copied")
    func malformedRowsRefused() throws {
        let dir = try TemporaryDirectory()
        let clock = ManualWallClock(1_764_000_000_000)
        let node = try TestStore.create(dir.path("node.db"), clock: clock, seed: 2)
        let maker = NodeID("00000000000abcd1")!
        let stamp = HLCTimestamp(physical: 1_764_000_000_000, counter: 0)
        let versions = FieldVersions(initial: .first(hlc: stamp, node: maker)).encoded
        func record(_ n: UInt64, versions: String = versions, fields: [String: FieldValue]) -> RecordSnapshot {
            RecordSnapshot(
                table: "contact", id: TestStore.newID(n), org: TestStore.org, created: stamp, updated: stamp,
                deleted: false, versions: versions, fields: fields.map { .init($0.key, $0.value) })
        }
        var unknownTable = record(5, fields: ["name": .text("戊")])
        unknownTable.table = "secrets"
        let page = [
            record(1, fields: ["name": .text("甲")]),
            record(2, versions: "garbage", fields: ["name": .text("乙")]),
            record(3, fields: ["colour": .text("red")]),
            record(4, fields: ["name": .integer(7)]),
            unknownTable,
        ]
        let report = try node.write { try $0.insert(snapshot: page) }
        #expect(report.records == 1)
        #expect(
            report.refused.map { $0.reason } == [
                "its versions are malformed", "unknown field 'colour' for contact", "field name holds text, not '7'",
                "unknown table 'secrets'",
            ])
        #expect(try TestStore.shown(node).count == 1)
    }

    /// Copies `source`'s records into `target` page by page, as a bootstrap does.
    static func bootstrap(_ target: NodeStore, from source: NodeStore, pageSize: Int) throws -> ApplyReport {
        let path = try source.read { db in try OrgUnit.fetchOne(db, key: source.node.org)!.path }
        var report = ApplyReport()
        var key: RecordSnapshot.Key?
        repeat {
            var page: [RecordSnapshot] = []
            key = try source.read { db in
                try source.forEachRecord(within: path, after: key, limit: pageSize, db: db) { page.append($0) }
            }
            report.add(try target.write { try $0.insert(snapshot: page) })
        } while key != nil
        return report
    }

    static func recordCount(_ store: NodeStore) throws -> Int {
        try store.read { db in
            let path = try OrgUnit.fetchOne(db, key: store.node.org)!.path
            return try store.recordCount(within: path, db: db)
        }
    }
}
