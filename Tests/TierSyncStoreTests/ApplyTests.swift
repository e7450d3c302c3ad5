import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

/// Applying remote changes: idempotence, conflicts as DESIGN.md defines them, policies,
/// tombstones, skew and malformed changes.
@Suite struct ApplyTests {
    let dir: TemporaryDirectory
    let clock = ManualWallClock(1_764_000_000_000)
    let county: NodeStore
    let township: NodeStore
    let id = TestStore.newID(1)

    init() throws {
        dir = try TemporaryDirectory()
        county = try TestStore.create(dir.path("county.db"), clock: clock, seed: 1)
        township = try TestStore.create(dir.path("township.db"), org: TestStore.township, clock: clock, seed: 2)
    }

    /// A contact made at the township and known at the county.
    func sharedContact() throws {
        try township.write { writer in
            try writer.insert(
                table: "contact", id: id, org: TestStore.township,
                fields: ["name": .text("示例·王一"), "phone": .text("13900000001"), "role": .text("liaison")])
        }
        try TestStore.ship(try TestStore.changeLog(township), to: county)
    }

    @Test("applying a batch twice, or replaying it after newer edits, has no effect the second time")
    func idempotent() throws {
        try sharedContact()
        let batch = try TestStore.changeLog(township)
        let again = try TestStore.ship(batch, to: county)
        #expect(again.applied == 0 && again.alreadyKnown == batch.count)
        clock.set(1_764_000_005_000)
        try county.write { writer in
            try writer.update(table: "contact", id: id, fields: ["phone": .text("13900000002")])
        }
        let replay = try TestStore.ship(batch, to: county)
        #expect(replay.alreadyKnown == batch.count)
        #expect(try county.write { try $0.fetch(table: "contact", id: id) }!["phone"] == .text("13900000002"))
        #expect(try TestStore.changeLog(county).count == batch.count + 1)
    }

    @Test("applied changes enter the log with their original stamp, node and vector")
    func logKeepsOrigin() throws {
        try sharedContact()
        #expect(try TestStore.changeLog(county) == TestStore.changeLog(township))
    }

    @Test("concurrent edits of one field are a conflict with both values, nodes and stamps; the later stamp is shown")
    func concurrentEdits() throws {
        try sharedContact()
        clock.set(1_764_000_010_000)
        try township.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000011")]) }
        clock.set(1_764_000_020_000)
        try county.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000022")]) }
        let atCounty = try TestStore.ship(Array(try TestStore.own(township).suffix(1)), to: county)
        let atTownship = try TestStore.ship(Array(try TestStore.own(county).suffix(1)), to: township)
        #expect(atCounty.conflicts == 1 && atTownship.conflicts == 1)
        for store in [county, township] {
            #expect(try store.write { try $0.fetch(table: "contact", id: id) }!["phone"] == .text("13900000022"))
        }
        let conflicts = try TestStore.keptConflicts(county)
        #expect(
            conflicts.count == 1 && conflicts[0].contains("'13900000011'")
                && conflicts[0].contains(township.node.id.rawValue))
        #expect(try TestStore.keptConflicts(township) == conflicts)
    }

    @Test("an edit made on top of a conflict ends it on every node it reaches, and the loser stays as history")
    func resolutionEndsConflict() throws {
        try concurrentEdits()
        clock.set(1_764_000_030_000)
        try township.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000033")]) }
        #expect(try TestStore.keptConflicts(township).isEmpty)
        try TestStore.ship(Array(try TestStore.own(township).suffix(1)), to: county)
        #expect(try TestStore.keptConflicts(county).isEmpty)
        let history = try county.read { db in try ConflictRow.fetchAll(db) }
        #expect(history.count == 1 && history[0].settlement == "superseded by an edit made on top of it")
        #expect(history[0].settledNode == township.node.id.rawValue)
    }

    @Test("owner wins: the owning township's concurrent edit is shown over the county's later one")
    func ownerWins() throws {
        let policies = MergePolicies(tables: ["contact": MergePolicy(.ownerWins)])
        let owner = try TestStore.create(
            dir.path("t2.db"), org: TestStore.township, clock: clock, seed: 3, policies: policies)
        let upper = try TestStore.create(dir.path("c2.db"), clock: clock, seed: 4, policies: policies)
        let directory = [owner.node.id: TestStore.township, upper.node.id: TestStore.org]
        try owner.write {
            try $0.insert(table: "contact", id: id, org: TestStore.township, fields: ["phone": .text("13900000001")])
        }
        try TestStore.ship(try TestStore.changeLog(owner), to: upper, nodes: directory)
        clock.set(1_764_000_010_000)
        try owner.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000011")]) }
        clock.set(1_764_000_020_000)
        try upper.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000022")]) }
        try TestStore.ship(try TestStore.changeLog(owner), to: upper, nodes: directory)
        try TestStore.ship(try TestStore.changeLog(upper), to: owner, nodes: directory)
        for store in [owner, upper] {
            #expect(try store.write { try $0.fetch(table: "contact", id: id) }!["phone"] == .text("13900000011"))
        }
    }

    @Test("upper level wins: the county's concurrent filing verdict is shown over the township's later one")
    func upperLevelWins() throws {
        let policies = MergePolicies(tables: ["plan": MergePolicy(.upperLevelWins)])
        let lower = try TestStore.create(
            dir.path("t3.db"), org: TestStore.township, clock: clock, seed: 6, policies: policies)
        let upper = try TestStore.create(dir.path("c3.db"), clock: clock, seed: 7, policies: policies)
        let directory = [lower.node.id: TestStore.township, upper.node.id: TestStore.org]
        try lower.write {
            try $0.insert(table: "plan", id: id, org: TestStore.township, fields: ["filing_verdict": .text("pending")])
        }
        try TestStore.ship(try TestStore.changeLog(lower), to: upper, nodes: directory)
        clock.set(1_764_000_010_000)
        try upper.write { try $0.update(table: "plan", id: id, fields: ["filing_verdict": .text("approved")]) }
        clock.set(1_764_000_020_000)
        try lower.write { try $0.update(table: "plan", id: id, fields: ["filing_verdict": .text("returned")]) }
        try TestStore.ship(try TestStore.changeLog(lower), to: upper, nodes: directory)
        try TestStore.ship(try TestStore.changeLog(upper), to: lower, nodes: directory)
        for store in [lower, upper] {
            #expect(try store.write { try $0.fetch(table: "plan", id: id) }!["filing_verdict"] == .text("approved"))
            #expect(try TestStore.keptConflicts(store).count == 1)
        }
    }

    @Test("append-only records are added, never changed")
    func appendOnly() throws {
        let policies = MergePolicies(tables: ["stock_event": MergePolicy(.appendOnly)])
        let receiver = try TestStore.create(dir.path("r.db"), clock: clock, seed: 5, policies: policies)
        try township.write {
            try $0.insert(
                table: "stock_event", id: id, org: TestStore.township,
                fields: ["quantity": .real(5), "kind": .text("receive")])
        }
        #expect(try TestStore.ship(try TestStore.changeLog(township), to: receiver).applied == 2)
        var forged = try #require(TestStore.changeLog(township).first { $0.field == "quantity" })
        forged.value = .real(500)
        forged.versionVector = forged.versionVector.incremented(for: forged.node)
        let report = try TestStore.ship([forged], to: receiver)
        #expect(report.refused.count == 1 && report.refused[0].reason.contains("append-only"), "\(report)")
    }

    @Test("a delete concurrent with an update is a conflict for review, never a silent loss")
    func deleteWhileEdited() throws {
        try sharedContact()
        clock.set(1_764_000_010_000)
        try township.write { try $0.delete(table: "contact", id: id) }
        try county.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000099")]) }
        try TestStore.ship(Array(try TestStore.own(township).suffix(1)), to: county)
        try TestStore.ship(Array(try TestStore.own(county).suffix(1)), to: township)
        for store in [county, township] {
            let record = try store.write { try $0.fetch(table: "contact", id: id) }!
            #expect(record.deleted && record["phone"] == .text("13900000099"))
            let conflicts = try TestStore.keptConflicts(store)
            #expect(
                conflicts.count == 1 && conflicts[0].hasPrefix("deleted-while-edited contact")
                    && conflicts[0].contains("phone"))
        }
        // Restoring the record settles it everywhere.
        try county.write { try $0.setDeleted(false, table: "contact", id: id, settlement: "record restored") }
        try TestStore.ship(Array(try TestStore.own(county).suffix(1)), to: township)
        for store in [county, township] {
            #expect(try store.write { try $0.fetch(table: "contact", id: id) }!.deleted == false)
            #expect(try TestStore.keptConflicts(store).isEmpty)
        }
    }

    @Test("a delete made after seeing an edit is no conflict")
    func deleteAfterEdit() throws {
        try sharedContact()
        try county.write { try $0.update(table: "contact", id: id, fields: ["phone": .text("13900000099")]) }
        try TestStore.ship(Array(try TestStore.own(county).suffix(1)), to: township)
        try township.write { try $0.delete(table: "contact", id: id) }
        try TestStore.ship(Array(try TestStore.own(township).suffix(1)), to: county)
        #expect(try TestStore.keptConflicts(county).isEmpty)
        #expect(try county.write { try $0.fetch(table: "contact", id: id) }!.deleted)
    }

    @Test("a stamp too far ahead is refused, naming the node and its skew; the rest of the batch applies")
    func skew() throws {
        try township.write {
            try $0.insert(
                table: "contact", id: id, org: TestStore.township,
                fields: ["name": .text("a"), "phone": .text("13900000001")])
        }
        var batch = try TestStore.changeLog(township)
        batch[0].hlc = HLCTimestamp(physical: 1_764_000_000_000 + 30 * 3_600_000, counter: 0)
        let report = try TestStore.ship(batch, to: county)
        #expect(report.applied == 1 && report.refused.count == 1)
        #expect(
            report.refused[0].reason.contains("30 h 0 min ahead") && report.refused[0].node == township.node.id.rawValue
        )
    }

    @Test(
        "malformed changes are refused with a reason and nothing of them is written",
        arguments: [
            ("table", "letters, digits and _"), ("field", "letters, digits and _"), ("type", "holds a whole number"),
            ("vector", "does not count its own node"), ("deleted", "must be 0 or 1"), ("org", "is not an org code"),
        ])
    func malformed(kind: String, reason: String) throws {
        let node = township.node.id
        var change = FieldChange(
            table: "drill", record: id, org: TestStore.township, field: "participants", value: .integer(3),
            hlc: HLCTimestamp(physical: 1_764_000_000_000, counter: 0), node: node,
            versionVector: VersionVector([node: 1]))
        switch kind {
        case "table": change.table = "drill; DROP TABLE drill"
        case "field": change.field = "age'--"
        case "type": change.value = .text("many")
        case "vector": change.versionVector = VersionVector([county.node.id: 1])
        case "deleted": (change.field, change.value) = (FieldChange.deletedField, .integer(7))
        default: change.org = "520201'; DROP TABLE drill; --"
        }
        let report = try TestStore.ship([change], to: county)
        #expect(
            report.applied == 0 && report.refused.count == 1 && report.refused[0].reason.contains(reason), "\(report)")
        #expect(try TestStore.shown(county).isEmpty && TestStore.changeLog(county).isEmpty)
    }

    @Test("a later release's table and field are kept as they came, once, logged for forwarding and shown nowhere")
    func laterRelease() throws {
        let node = township.node.id
        let stamp = HLCTimestamp(physical: 1_764_000_000_000, counter: 0)
        let changes = [
            FieldChange(
                table: "hazard_site", record: id, org: TestStore.township, field: "risk", value: .text("high"),
                hlc: stamp, node: node, versionVector: VersionVector([node: 1])),
            FieldChange(
                table: "drill", record: id, org: TestStore.township, field: "photos_count", value: .integer(4),
                hlc: stamp, node: node, versionVector: VersionVector([node: 1])),
        ]
        let report = try TestStore.ship(changes, to: county)
        #expect(report.opaque == 2 && report.applied == 0 && report.refused.isEmpty, "\(report)")
        #expect(try TestStore.shown(county).isEmpty)
        #expect(try TestStore.changeLog(county).map(\.field) == ["risk", "photos_count"])
        let again = try TestStore.ship(changes, to: county)
        #expect(again.opaque == 0 && again.alreadyKnown == 2)
        #expect(try TestStore.changeLog(county).count == 2)
        #expect(try county.compactLog() == 0, "compaction keeps them")
    }
}
