import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

/// The merge proven on real SQLite files: whatever nodes edit offline, and in whatever order,
/// duplicated or partial, their changes travel, once everything has been exchanged every node
/// shows the same records and keeps the same conflicts, and no accepted write is lost.
@Suite struct ConvergenceTests {
    static let fields = ["name", "phone", "post"]

    @Test("random edits on three nodes, exchanged in random orders, duplicated and partially, converge (seeded)")
    func converge() throws {
        let seed = TestStore.propertySeed()
        var random = SplitMix64(seed: seed)
        for round in 0..<25 {
            try runRound(&random, seed: seed, round: round)
        }
    }

    func runRound(_ random: inout SplitMix64, seed: UInt64, round: Int) throws {
        let dir = try TemporaryDirectory()
        let clock = ManualWallClock(1_764_000_000_000)
        let nodes = try (0..<3).map { try TestStore.create(dir.path("n\($0).db"), clock: clock, seed: UInt64($0 + 1)) }
        let ids = (0..<4).map { _ in RecordID.random(using: &random) }
        let context = "seed \(seed), round \(round)"
        try Self.editRandomly(nodes, ids: ids, clock: clock, steps: 60, random: &random)
        // Everything reaches everyone, in random order.
        for _ in 0..<2 {
            for from in nodes {
                for to in nodes where to !== from {
                    try TestStore.ship(try TestStore.changeLog(from).shuffled(using: &random), to: to)
                }
            }
        }
        let shown = try TestStore.shown(nodes[0])
        let conflicts = try TestStore.keptConflicts(nodes[0])
        for node in nodes.dropFirst() {
            let other = try TestStore.shown(node)
            #expect(other == shown, "\(context): \(Set(shown).symmetricDifference(other).sorted())")
            #expect(try TestStore.keptConflicts(node) == conflicts, "\(context)")
        }
        try expectNothingLost(nodes, context: context)
    }

    /// Random inserts, updates and deletes of `ids` on random nodes, with random partial,
    /// duplicated and reordered exchanges between them: histories with open conflicts.
    static func editRandomly(
        _ nodes: [NodeStore], ids: [RecordID], clock: ManualWallClock, steps: Int, random: inout SplitMix64
    ) throws {
        for _ in 0..<steps {
            clock.set(clock.nowMilliseconds() + Int64.random(in: -5...20, using: &random))
            let node = nodes.randomElement(using: &random)!
            let id = ids.randomElement(using: &random)!
            let existing = try node.write { try $0.fetch(table: "contact", id: id) }
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<2 where existing == nil:
                try node.write { writer in
                    try writer.insert(table: "contact", id: id, org: TestStore.org, fields: Self.randomFields(&random))
                }
            case 0..<5 where existing?.deleted == false:
                try node.write { writer in
                    try writer.update(table: "contact", id: id, fields: Self.randomFields(&random))
                }
            case 5 where existing?.deleted == false:
                try node.write { writer in try writer.delete(table: "contact", id: id) }
            default:
                let target = nodes.filter { $0 !== node }.randomElement(using: &random)!
                var batch = try TestStore.changeLog(node).filter { _ in Int.random(in: 0..<10, using: &random) < 6 }
                batch += batch.filter { _ in Bool.random(using: &random) }
                batch.shuffle(using: &random)
                try TestStore.ship(batch, to: target)
            }
        }
    }

    /// Every write accepted anywhere is, at every node, the shown version of its field, a
    /// kept conflict loser, or superseded by a kept version made on top of it.
    func expectNothingLost(_ nodes: [NodeStore], context: String) throws {
        let written = try Set(nodes.flatMap { try TestStore.own($0) })
        for node in nodes {
            let kept = try keptVersions(node)
            for change in written {
                let candidates = kept["\(change.record)/\(change.field)"] ?? []
                let accountedFor = candidates.contains { change.versionVector.isCovered(by: $0.versionVector) }
                #expect(accountedFor, "\(context): \(change.field)=\(change.value) by \(change.node) lost")
            }
        }
    }

    /// The shown and loser versions of every field of every contact at a node.
    func keptVersions(_ node: NodeStore) throws -> [String: [FieldVersion]] {
        try node.read { db in
            var kept: [String: [FieldVersion]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM contact") {
                let record = try StoredRecord(table: node.tables["contact"]!, row: row)
                for field in Self.fields + [FieldChange.deletedField] {
                    if let version = record.versions.version(
                        of: field, isSet: field == FieldChange.deletedField || !record[field].isNull)
                    {
                        kept["\(record.id)/\(field)", default: []].append(version)
                    }
                }
            }
            for row in try ConflictRow.fetchAll(
                db, sql: "SELECT * FROM conflict WHERE settled_hlc IS NULL AND kind = 'concurrent'")
            {
                kept["\(row.record)/\(row.field)", default: []].append(row.versioned!.version)
            }
            return kept
        }
    }

    static func randomFields(_ random: inout SplitMix64) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for field in Self.fields where Bool.random(using: &random) {
            fields[field] =
                Int.random(in: 0..<5, using: &random) == 0
                ? .null : .text("\(field)\(Int.random(in: 0..<3, using: &random))")
        }
        if fields.values.allSatisfy(\.isNull) { fields["name"] = .text("n\(Int.random(in: 0..<9, using: &random))") }
        return fields
    }
}
