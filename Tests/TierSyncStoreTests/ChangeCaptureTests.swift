import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

@Suite struct ChangeCaptureTests {
    let dir: TemporaryDirectory
    let clock = ManualWallClock(1_764_000_000_000)
    let store: NodeStore

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.create(dir.path("n.db"), clock: clock)
    }

    @Test("an insert logs one change per non-null field, all with the write's stamp and a first version")
    func insertLogsSetFields() throws {
        let id = TestStore.newID(1)
        try store.write { writer in
            try writer.insert(
                table: "contact", id: id, org: TestStore.org,
                fields: ["name": .text("张三"), "phone": .text("13900001111"), "role": .text("liaison"), "post": .null])
        }
        let log = try TestStore.changeLog(store)
        #expect(log.map(\.field) == ["role", "name", "phone"])
        #expect(Set(log.map(\.hlc)).count == 1)
        #expect(
            log.allSatisfy {
                $0.node == store.node.id && $0.versionVector == VersionVector().incremented(for: store.node.id)
            })
        #expect(log.allSatisfy { $0.table == "contact" && $0.record == id && $0.org == TestStore.org })
        #expect(log.first { $0.field == "name" }?.value == .text("张三"))
    }

    @Test("an empty text is stored and logged as text, not NULL; an unknown field refuses the whole insert")
    func emptyTextAndUnknownField() throws {
        let id = TestStore.newID(9)
        try store.write { writer in
            try writer.insert(
                table: "contact", id: id, org: TestStore.org, fields: ["name": .text(""), "post": .text("站长")])
        }
        #expect(try store.write { try $0.fetch(table: "contact", id: id) }?["name"] == .text(""))
        #expect(try TestStore.changeLog(store).first { $0.field == "name" }?.value == .text(""))
        let before = try TestStore.changeLog(store).count
        let known = try store.write { try $0.table(named: "contact").fieldNames }
        #expect(throws: StoreError.unknownField(table: "contact", field: "nickname", known: known)) {
            try store.write { writer in
                try writer.insert(
                    table: "contact", id: TestStore.newID(10), org: TestStore.org,
                    fields: ["name": .text("李四"), "nickname": .text("小李")])
            }
        }
        #expect(try TestStore.changeLog(store).count == before)
        #expect(try store.write { try $0.fetch(table: "contact", id: TestStore.newID(10)) } == nil)
    }

    @Test("text holding NUL is refused by inserts and updates, and nothing is written")
    func nulRefused() throws {
        let id = TestStore.newID(11)
        #expect(throws: StoreError.textWithNUL(table: "contact", field: "name")) {
            try store.write {
                try $0.insert(table: "contact", id: id, org: TestStore.org, fields: ["name": .text("张\u{0}三")])
            }
        }
        try store.write { try $0.insert(table: "contact", id: id, org: TestStore.org, fields: ["name": .text("张三")]) }
        #expect(throws: StoreError.textWithNUL(table: "contact", field: "post")) {
            try store.write { try $0.update(table: "contact", id: id, fields: ["post": .text("站\u{0}长")]) }
        }
        #expect(try TestStore.changeLog(store).map(\.value) == [.text("张三")])
    }

    @Test("an update logs exactly the fields whose value changed, each on top of the record's writes so far")
    func updateLogsOnlyChanges() throws {
        let id = TestStore.newID(2)
        try store.write { writer in
            try writer.insert(
                table: "contact", id: id, org: TestStore.org,
                fields: ["name": .text("张三"), "phone": .text("13900001111")])
        }
        clock.set(1_764_000_001_000)
        let changes = try store.write { writer in
            try writer.update(
                table: "contact", id: id,
                fields: ["name": .text("张三"), "phone": .text("13900002222"), "post": .text("站长")])
        }
        #expect(changes.map(\.field) == ["post", "phone"])
        #expect(changes.first { $0.field == "phone" }?.versionVector[store.node.id] == 2)
        // Vectors count a node's writes to the record, so a field first set by the second
        // write counts 2: vectors of one record's fields stay comparable.
        #expect(changes.first { $0.field == "post" }?.versionVector[store.node.id] == 2)
        #expect(try TestStore.changeLog(store).count == 4)
        let record = try store.write { try $0.fetch(table: "contact", id: id) }!
        #expect(record["phone"] == .text("13900002222"))
        #expect(record.updated.physical == 1_764_000_001_000)
        #expect(record.version(of: "phone")?.versionVector[store.node.id] == 2)
        #expect(record.version(of: "name")?.versionVector[store.node.id] == 1)
        #expect(record.version(of: "wechat") == nil)
    }

    @Test("a write that changes nothing logs nothing and takes no stamp")
    func noOpUpdate() throws {
        let id = TestStore.newID(3)
        try store.write { writer in
            try writer.insert(
                table: "drill", id: id, org: TestStore.org,
                fields: ["title": .text("防汛"), "participants": .integer(12)])
        }
        let clockBefore = try store.read { db in try Int64.fetchOne(db, sql: "SELECT max(hlc) FROM change_log") }
        let changes = try store.write { writer in
            // 12.0 for an INTEGER column is the same value: no change.
            try writer.update(table: "drill", id: id, fields: ["title": .text("防汛"), "participants": .real(12)])
        }
        #expect(changes.isEmpty)
        #expect(try TestStore.changeLog(store).count == 2)
        #expect(try store.read { db in try Int64.fetchOne(db, sql: "SELECT max(hlc) FROM change_log") } == clockBefore)
    }

    @Test("a delete is a tombstone: the row stays and `_deleted` is logged")
    func deleteIsTombstone() throws {
        let id = TestStore.newID(4)
        try store.write { writer in
            try writer.insert(table: "plan", id: id, org: TestStore.org, fields: ["title": .text("总体预案")])
        }
        try store.write { writer in try writer.delete(table: "plan", id: id) }
        let last = try TestStore.changeLog(store).last!
        #expect(last.field == FieldChange.deletedField && last.value == .integer(1))
        let record = try store.write { try $0.fetch(table: "plan", id: id) }!
        #expect(record.deleted && record["title"] == .text("总体预案"))
        #expect(throws: StoreError.recordDeleted(table: "plan", id: id.rawValue)) {
            try store.write { writer in try writer.update(table: "plan", id: id, fields: ["title": .text("x")]) }
        }
    }

    @Test("a failed transaction leaves neither the record nor its log entries nor a clock step")
    func atomicity() throws {
        struct Abort: Error {}
        let before = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT clock, (SELECT count(*) FROM change_log) AS n FROM node")
        }
        #expect(throws: Abort.self) {
            try store.write { writer in
                try writer.insert(
                    table: "contact", id: TestStore.newID(5), org: TestStore.org, fields: ["name": .text("李四")])
                throw Abort()
            }
        }
        #expect(throws: StoreError.self) {
            try store.write { writer in
                try writer.insert(
                    table: "contact", id: TestStore.newID(6), org: TestStore.org, fields: ["name": .text("王五")])
                try writer.insert(
                    table: "contact", id: TestStore.newID(7), org: TestStore.org, fields: ["no_such_field": .text("x")])
            }
        }
        try store.read { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM contact") == 0)
            #expect(
                try Row.fetchOne(db, sql: "SELECT clock, (SELECT count(*) FROM change_log) AS n FROM node") == before)
        }
    }

    @Test("stamps keep increasing across reopen even when the PC clock stepped back")
    func clockPersists() throws {
        let id = TestStore.newID(8)
        try store.write { writer in
            try writer.insert(table: "contact", id: id, org: TestStore.org, fields: ["name": .text("a")])
        }
        let path = store.path
        try store.close()
        let earlier = ManualWallClock(1_600_000_000_000)
        let reopened = try NodeStore.open(path: path, wallClock: earlier)
        try reopened.write { writer in try writer.update(table: "contact", id: id, fields: ["name": .text("b")]) }
        let log = try TestStore.changeLog(reopened)
        #expect(log.count == 2 && log[1].hlc > log[0].hlc)
    }

    @Test("a stamp observed from a peer is remembered: later local stamps order after it, after reopen too")
    func observedStampPersists() throws {
        let remote = HLCTimestamp(physical: 1_764_000_000_000 + 3_600_000, counter: 7)
        try store.write { writer in try writer.observe(remote) }
        let path = store.path
        try store.close()
        let reopened = try NodeStore.open(path: path, wallClock: ManualWallClock(1_764_000_000_000))
        try reopened.write { writer in
            try writer.insert(
                table: "contact", id: TestStore.newID(10), org: TestStore.org, fields: ["name": .text("a")])
        }
        #expect(try TestStore.changeLog(reopened)[0].hlc == HLCTimestamp(physical: remote.physical, counter: 8))
    }

    @Test("a new record with no value is refused: nothing would ever sync it")
    func emptyRecord() throws {
        #expect(throws: StoreError.emptyRecord(table: "contact")) {
            try store.write {
                try $0.insert(table: "contact", id: TestStore.newID(11), org: TestStore.org, fields: ["post": .null])
            }
        }
    }

    @Test("unknown tables and fields are refused with the allowed names")
    func unknownNames() throws {
        #expect {
            try store.write { try $0.insert(table: "secrets", id: TestStore.newID(9), org: TestStore.org, fields: [:]) }
        } throws: {
            "\($0)".contains("unknown table 'secrets'") && "\($0)".contains("contact")
        }
        #expect {
            try store.write {
                try $0.insert(
                    table: "contact", id: TestStore.newID(9), org: TestStore.org, fields: ["age": .integer(3)])
            }
        } throws: {
            "\($0)".contains("unknown field 'age' for contact") && "\($0)".contains("phone")
        }
    }

    @Test("random writes: the log replayed from empty reproduces every record exactly (seeded)")
    func logIsExact() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let table = store.tables["contact"]!
        var ids: [RecordID] = []
        for step in 0..<300 {
            clock.set(1_764_000_000_000 + Int64(step) * Int64.random(in: -3...10, using: &rng))
            try store.write { writer in
                var fields: [String: FieldValue] = [:]
                for field in table.fieldNames where Bool.random(using: &rng) {
                    fields[field] =
                        Int.random(in: 0..<4, using: &rng) == 0
                        ? .null : .text("v\(Int.random(in: 0..<3, using: &rng))")
                }
                if ids.isEmpty || Int.random(in: 0..<4, using: &rng) == 0 {
                    if fields.values.allSatisfy(\.isNull) { fields["name"] = .text("v0") }
                    let id = RecordID.random(using: &rng)
                    ids.append(id)
                    try writer.insert(table: "contact", id: id, org: TestStore.org, fields: fields)
                } else if let id = ids.randomElement(using: &rng),
                    try writer.fetch(table: "contact", id: id)?.deleted == false
                {
                    if Int.random(in: 0..<20, using: &rng) == 0 {
                        try writer.delete(table: "contact", id: id)
                    } else {
                        try writer.update(table: "contact", id: id, fields: fields)
                    }
                }
            }
        }
        // Replay: the latest logged value of each field must be the stored one, and no field
        // that was never logged may hold a value.
        var replayed: [RecordID: [String: FieldValue]] = [:]
        var previous: [String: FieldValue] = [:]
        for change in try TestStore.changeLog(store) {
            let key = "\(change.record)/\(change.field)"
            #expect(previous[key] != change.value, "seed \(seed): a change logged for an unchanged field")
            previous[key] = change.value
            replayed[change.record, default: [:]][change.field] = change.value
        }
        for id in ids {
            let record = try store.write { try $0.fetch(table: "contact", id: id) }!
            let logged = replayed[id] ?? [:]
            for field in table.fieldNames {
                #expect(record[field] == (logged[field] ?? .null), "seed \(seed): \(id) \(field)")
            }
            #expect(record.deleted == (logged[FieldChange.deletedField] == .integer(1)), "seed \(seed)")
        }
    }
}
