import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncStore

@testable import TierSyncPostgres

/// The cases of `ApplyTests` that the random histories of `MergeConformanceTests` rarely or
/// never make, applied to a SQLite hub and a PostgreSQL store alike: append-only records, a
/// later release's tables and fields, a delete concurrent with an edit, and a township edit
/// made after an approval was withdrawn that arrives before the withdrawal could. Each
/// gives the same report and leaves the same records, kept versions and log on both.
@Suite(.serialized) struct ApplyConformanceTests {
    let backends: Backends
    var township: NodeStore { backends.editors.editors[0] }
    var county: NodeStore { backends.editors.editors[1] }
    var orgs: [NodeID: String] { backends.editors.orgs }

    init() throws {
        var random = SplitMix64(seed: 3)
        backends = try Backends(random: &random, steps: 0)
    }

    /// Applies `batch` to both backends; both must report the same.
    @discardableResult
    func applyToBoth(_ batch: [FieldChange], sourceLocation: SourceLocation = #_sourceLocation) throws -> ApplyReport {
        let onSQLite = try backends.sqlite.write { try $0.apply(batch, nodes: orgs) }
        let onPostgres = try backends.postgres.apply(batch, nodes: orgs)
        #expect(onPostgres == onSQLite, sourceLocation: sourceLocation)
        return onPostgres
    }

    /// Both backends hold the same records of `tables`, the same open conflicts and the same log.
    func expectAgree(_ tables: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for name in tables {
            let table = try #require(backends.sqlite.tables[name])
            let onSQLite = try backends.sqlite.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                    try StoredRecord(table: table, row: $0)
                }
            }
            #expect(try backends.postgres.records(of: table) == onSQLite, "\(name)", sourceLocation: sourceLocation)
        }
        let conflicts = try backends.sqlite.read { db in
            try ConflictRow.fetchAll(db, sql: "SELECT * FROM conflict WHERE settled_hlc IS NULL")
        }
        #expect(
            try backends.postgres.openConflicts().map(MergeConformanceTests.comparable).sorted()
                == conflicts.map(MergeConformanceTests.comparable).sorted(), sourceLocation: sourceLocation)
        let log = try backends.sqlite.read { db in try ChangeLogEntry.fetch(db).map(\.change) }
        #expect(try backends.postgres.loggedChanges() == log, sourceLocation: sourceLocation)
    }

    @Test("a stock movement is added once and never changed: a changed value is refused alike")
    func appendOnly() throws {
        defer { try? backends.close() }
        let id = RecordID(UUID().uuidString.lowercased())!
        try township.write {
            try $0.insert(
                table: "stock_event", id: id, org: Editors.township,
                fields: ["quantity": .real(5), "kind": .text("receive"), "occurred_on": .text("2026-12-01")])
        }
        let made = try Editors.log(township)
        #expect(try applyToBoth(made).applied == made.count)
        var forged = try #require(made.first { $0.field == "quantity" })
        forged.value = .real(500)
        forged.versionVector = forged.versionVector.incremented(for: forged.node)
        let report = try applyToBoth([forged])
        #expect(report.refused.count == 1 && report.refused[0].reason.contains("append-only"), "\(report)")
        try expectAgree(["stock_event"])
    }

    @Test("a later release's table and field are kept once, logged for forwarding, and known when they come again")
    func laterRelease() throws {
        defer { try? backends.close() }
        let node = township.node.id
        let id = RecordID(UUID().uuidString.lowercased())!
        let stamp = HLCTimestamp(physical: backends.editors.clock.nowMilliseconds(), counter: 0)
        let changes = [
            FieldChange(
                table: "hazard_site", record: id, org: Editors.township, field: "risk", value: .text("high"),
                hlc: stamp, node: node, versionVector: VersionVector([node: 1])),
            FieldChange(
                table: "contact", record: id, org: Editors.township, field: "radio_channel", value: .text("示例"),
                hlc: stamp, node: node, versionVector: VersionVector([node: 1])),
        ]
        let first = try applyToBoth(changes)
        #expect(first.opaque == 2 && first.applied == 0 && first.refused.isEmpty, "\(first)")
        let again = try applyToBoth(changes)
        #expect(again.opaque == 0 && again.alreadyKnown == 2)
        try expectAgree(["contact"])
    }

    @Test("a delete concurrent with an edit keeps the edit for review on both")
    func deleteWhileEdited() throws {
        defer { try? backends.close() }
        let id = RecordID(UUID().uuidString.lowercased())!
        try township.write {
            try $0.insert(
                table: "contact", id: id, org: Editors.township,
                fields: ["name": .text("示例·王一"), "phone": .text("13900000001"), "role": .text("liaison")])
        }
        _ = try county.write { try $0.apply(try Editors.log(township), nodes: orgs) }
        backends.editors.clock.advance(by: 10)
        try township.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000002")]) }
        try county.write { try $0.delete(table: "contact", id: id) }
        let report = try applyToBoth(try Editors.log(township) + Editors.log(county))
        #expect(report.refused.isEmpty, "\(report)")
        let kept = try backends.postgres.openConflicts()
        #expect(kept.contains { $0.kind == .deletedWhileEdited && $0.field == "phone" }, "\(kept)")
        try expectAgree(["contact"])
    }

    @Test(
        "a township's edit made after the county withdrew its approval, arriving before the withdrawal, is kept as an amendment alike"
    )
    func editAfterWithdrawal() throws {
        defer { try? backends.close() }
        let id = RecordID(UUID().uuidString.lowercased())!
        try township.write {
            try $0.insert(
                table: "task", id: id, org: Editors.township,
                fields: ["title": .text("修订预案"), "deadline": .text("2026-12-31")])
        }
        _ = try county.write { try $0.apply(try Editors.log(township), nodes: orgs) }
        // As the domain approves: the approval, then the approved content restated on top of it.
        func approval(_ approver: FieldValue) throws {
            backends.editors.clock.advance(by: 10)
            try county.write { writer in
                try writer.update(table: "task", id: id, fields: ["approved_by": approver], onTopOfRecord: true)
                guard approver != .null, let title = try writer.fetch(table: "task", id: id)?["title"] else { return }
                try writer.update(table: "task", id: id, fields: ["title": title], rewrite: ["title"])
            }
        }
        try approval(.text("520201"))
        let approved = try Editors.log(county)
        try applyToBoth(try Editors.log(township) + approved)
        try approval(.null)
        _ = try township.write { try $0.apply(try Editors.log(county), nodes: orgs) }
        backends.editors.clock.advance(by: 10)
        try township.write { try $0.update(table: "task", id: id, fields: ["title": .text("修订预案（二稿）")]) }
        try approval(.text("520201"))
        // The withdrawal is superseded by the new approval, so what reaches the hub is the
        // township's edit, then the new approval: never the withdrawal.
        let edit = try Editors.log(township).suffix(1)
        let report = try applyToBoth(Array(edit) + Editors.log(county).suffix(2))
        #expect(report.refused.isEmpty, "\(report)")
        // The new approval did not see the edit: it waits as a pending amendment, on both.
        let kept = try backends.postgres.openConflicts()
        #expect(kept.map(\.field) == ["title"] && kept[0].needsReview, "\(kept)")
        try expectAgree(["task"])
    }
}
