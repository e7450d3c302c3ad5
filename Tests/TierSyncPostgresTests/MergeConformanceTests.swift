import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncStore

@testable import TierSyncPostgres

/// The same changes, applied in the same batches to a SQLite node and to a PostgreSQL store,
/// leave both with the same records, the same open conflicts and the same log, and give the
/// same reports: one merge (`RemoteMerge`) over two storages.
@Suite(.serialized) struct MergeConformanceTests {
    @Test("random concurrent edits from three levels, in random batches: SQLite and PostgreSQL agree (seeded)")
    func randomHistoriesAgree() throws {
        let seed = Editors.seed()
        var random = SplitMix64(seed: seed)
        var conflicts = 0
        for round in 0..<4 {
            conflicts += try agree(&random, context: "seed \(seed), round \(round)")
        }
        // A round's history may happen to hold no concurrent edit; four rounds together must.
        #expect(conflicts > 0, "seed \(seed): the histories had no conflict to compare")
    }

    /// Applies one random history to both backends and compares them; returns the conflicts found.
    func agree(_ random: inout SplitMix64, context: String) throws -> Int {
        let backends = try Backends(random: &random)
        defer { try? backends.close() }
        let (folder, sqlite, postgres) = (backends.editors, backends.sqlite, backends.postgres)
        var changes = try folder.editors.flatMap { try Editors.log($0) }
        changes += changes.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }  // some twice
        changes.shuffle(using: &random)
        var sqliteReport = ApplyReport()
        var postgresReport = ApplyReport()
        while !changes.isEmpty {
            let batch = Array(changes.prefix(Int.random(in: 1...40, using: &random)))
            changes.removeFirst(batch.count)
            sqliteReport.add(try sqlite.write { try $0.apply(batch, nodes: folder.orgs) })
            postgresReport.add(try postgres.apply(batch, nodes: folder.orgs))
        }
        #expect(postgresReport == sqliteReport, "\(context)")
        for name in Editors.tables {
            let table = try #require(sqlite.tables[name])
            let sqliteRecords = try sqlite.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                    try StoredRecord(table: table, row: $0)
                }
            }
            #expect(try postgres.records(of: table) == sqliteRecords, "\(context): \(name)")
        }
        let sqliteConflicts = try sqlite.read { db in
            try ConflictRow.fetchAll(db, sql: "SELECT * FROM conflict WHERE settled_hlc IS NULL ORDER BY id")
        }
        // Sorted: rows made in one step (a record's delete conflicts) may be inserted in any order.
        #expect(
            try postgres.openConflicts().map(Self.comparable).sorted() == sqliteConflicts.map(Self.comparable).sorted(),
            "\(context)")
        let sqliteLog = try sqlite.read { db in try ChangeLogEntry.fetch(db).map(\.change) }
        #expect(try postgres.loggedChanges() == sqliteLog, "\(context)")
        return postgresReport.conflicts
    }

    @Test("a kept version's review flag is set and cleared on both backends (an approval changed)")
    func reviewFlag() throws {
        var random = SplitMix64(seed: 11)
        let backends = try Backends(random: &random, steps: 1)
        defer { try? backends.close() }
        let row = ConflictRow(
            id: 0, kind: .concurrent, tbl: "contact", record: RecordID.random(using: &random).rawValue, org: "520200",
            field: "phone", value: .text("13900000001"), hlc: 117, node: "00000000000000aa",
            vv: "00000000000000aa:1", detectedAt: 1, needsReview: false)
        func flags(_ storage: some MergeStorage) throws -> [Bool] {
            try storage.openConflicts(table: "contact", record: RecordID(row.record)!, field: nil).map(\.needsReview)
        }
        for wanted in [true, false] {
            let onSQLite = try backends.sqlite.write { writer in
                let storage = SQLiteMergeStorage(db: writer.db)
                if wanted { try storage.insertConflict(row) }
                try storage.setNeedsReview(
                    id: try storage.openConflicts(table: "contact", record: RecordID(row.record)!, field: nil)[0].id!,
                    wanted)
                return try flags(storage)
            }
            let onPostgres = try backends.postgres.write { session in
                let storage = PostgresMergeStorage(session: session)
                if wanted { try storage.insertConflict(row) }
                try storage.setNeedsReview(
                    id: try storage.openConflicts(table: "contact", record: RecordID(row.record)!, field: nil)[0].id!,
                    wanted)
                return try flags(storage)
            }
            #expect(onSQLite == [wanted] && onPostgres == [wanted])
        }
    }

    @Test("everything applied again is already known on both, and changes nothing")
    func idempotent() throws {
        var random = SplitMix64(seed: 7)
        let backends = try Backends(random: &random)
        defer { try? backends.close() }
        let (folder, postgres) = (backends.editors, backends.postgres)
        let changes = try folder.editors.flatMap { try Editors.log($0) }
        let first = try postgres.apply(changes, nodes: folder.orgs)
        let log = try postgres.loggedChanges()
        let again = try postgres.apply(changes.reversed(), nodes: folder.orgs)
        // Nothing applies again; what was refused (a write to the approval's own fields from
        // below, say) is refused again.
        #expect(again.applied == 0 && again.alreadyKnown + again.refused.count == changes.count)
        #expect(Set(again.refused.map(\.description)) == Set(first.refused.map(\.description)))
        #expect(try postgres.loggedChanges() == log)
    }

    @Test("malformed changes are refused with the same reasons, and the rest of the batch applies")
    func refusalsAgree() throws {
        var random = SplitMix64(seed: 11)
        let backends = try Backends(random: &random)
        defer { try? backends.close() }
        let (folder, sqlite, postgres) = (backends.editors, backends.sqlite, backends.postgres)
        let good = try Editors.log(folder.editors[0])
        var bad = good.prefix(3).map { $0 }
        bad[0].org = "520201 OR 1=1"
        bad[1].value = .integer(42)  // a whole number where the field holds text
        bad[2].hlc = HLCTimestamp(physical: folder.clock.nowMilliseconds() + 48 * 3_600_000, counter: 0)
        let batch = bad + good.dropFirst(3)
        let fromSQLite = try sqlite.write { try $0.apply(batch, nodes: folder.orgs) }
        let fromPostgres = try postgres.apply(batch, nodes: folder.orgs)
        #expect(fromPostgres == fromSQLite)
        #expect(fromPostgres.refused.count == 3 && fromPostgres.applied == good.count - 3)
    }

    @Test("a kept loser that outranks the edit made on top of the shown value is shown again, on both backends")
    func loserPromoted() throws {
        var random = SplitMix64(seed: 5)
        let backends = try Backends(random: &random, steps: 0)
        defer { try? backends.close() }
        let (township, county, city) = (
            backends.editors.editors[0], backends.editors.editors[1], backends.editors.editors[2]
        )
        let orgs = backends.editors.orgs
        let id = RecordID.random(using: &random)
        func edit(_ editor: NodeStore, _ note: String) throws {
            backends.editors.clock.advance(by: 10)
            try editor.write { try $0.update(table: "task", id: id, fields: ["approved_note": .text(note)]) }
        }
        try township.write { writer in
            try writer.insert(
                table: "task", id: id, org: Editors.township,
                fields: ["title": FieldValue.text("修订预案"), "deadline": .text("2026-12-31")])
        }
        for other in [county, city] { _ = try other.write { try $0.apply(try Editors.log(township), nodes: orgs) } }
        try edit(county, "县级意见")  // ranks above the township's, below the city's
        try edit(city, "市级意见")
        _ = try township.write { try $0.apply(try Editors.log(city), nodes: orgs) }
        try edit(township, "乡镇补充")  // on top of the city's note, concurrent with the county's
        // The city's note shown, the county's kept; then the township's supersedes the city's,
        // and the county's outranks it.
        let order = [try Editors.log(city), try Editors.log(county), try Editors.log(township)]
        for batch in order {
            _ = try backends.sqlite.write { try $0.apply(batch, nodes: orgs) }
            _ = try backends.postgres.apply(batch, nodes: orgs)
        }
        let table = try #require(backends.sqlite.tables["task"])
        let shown = try #require(try backends.postgres.records(of: table).first)
        #expect(shown["approved_note"] == FieldValue.text("县级意见"))
        let sqliteShown = try backends.sqlite.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM task").map { try StoredRecord(table: table, row: $0) }
        }
        #expect(sqliteShown == shown)
        let kept = try backends.sqlite.read { db in
            try ConflictRow.fetchAll(db, sql: "SELECT * FROM conflict WHERE settled_hlc IS NULL")
        }
        #expect(kept.map(\.value) == [FieldValue.text("乡镇补充")])
        #expect(try backends.postgres.openConflicts().map(Self.comparable) == kept.map(Self.comparable))
    }

    /// A conflict row without its row id and detection time, which differ by backend.
    static func comparable(_ row: ConflictRow) -> String {
        "\(row.kind) \(row.tbl) \(row.record) \(row.org) \(row.field) \(row.value) \(row.hlc) \(row.node) \(row.vv) \(row.needsReview)"
    }
}
