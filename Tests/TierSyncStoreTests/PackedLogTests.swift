import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

/// The log's packed rows (`Schema/0016_packed_log.sql`): a local write's fields in one row,
/// each entry still numbered on its own.
@Suite struct PackedLogTests {
    let dir: TemporaryDirectory
    let clock = ManualWallClock(1_764_000_000_000)
    let store: NodeStore

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.create(dir.path("n.db"), clock: clock)
    }

    @Test("random fields and values come back from the packed text exactly, and SQLite's view reads the same (seeded)")
    func roundTrip() throws {
        let seed = TestStore.propertySeed()
        var random = SplitMix64(seed: seed)
        let db = try DatabaseQueue()
        for round in 0..<300 {
            let entries: [PackedFields.Entry?] = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                Int.random(in: 0..<8, using: &random) == 0 ? nil : (Self.text(&random), Self.value(&random))
            }
            let text = PackedFields.encode(entries)
            let decoded = try #require(PackedFields.decode(text), "seed \(seed), round \(round): \(text)")
            #expect(decoded.count == entries.count, "seed \(seed), round \(round)")
            for (got, want) in zip(decoded, entries) {
                #expect(got?.field == want?.field, "seed \(seed), round \(round): \(text)")
                #expect(
                    got.map { Self.same($0.value, want!.value) } ?? (want == nil),
                    "seed \(seed), round \(round): \(text)")
            }
            // SQLite's JSON (the view) reads the same fields, texts and integers.
            let viewed = try db.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT m.type, m.value ->> 0 AS field, m.value ->> 1 AS value FROM json_each(?) m",
                    arguments: [text])
            }
            #expect(viewed.count == entries.count, "seed \(seed), round \(round): \(text)")
            for (row, want) in zip(viewed, entries) {
                guard let want else {
                    #expect(row["type"] as String == "null")
                    continue
                }
                #expect(row["field"] as String == want.field, "seed \(seed), round \(round): \(text)")
                if case .real = want.value { continue }
                #expect(
                    FieldValue.fromDatabaseValue(row["value"]) == want.value, "seed \(seed), round \(round): \(text)")
            }
        }
    }

    @Test("text that is not what the log writes is refused, not half-read")
    func malformed() {
        for text in [
            "", "[", "[[\"a\",1]", "[[\"a\"]]", "[[1,2]]", "[[\"a\",1],]", "[[\"a\",\"b]]", "[[\"a\",1]] x",
            "[[\"a\",\"\\q\"]]", "[[\"a\",\"\\ud800\"]]", "[[\"a\",\"\\ud83d \\ude00\"]]", "[[\"a\",1e]]", "{}",
            "[[\"a\",\"\u{01}\"]]",
        ] {
            #expect(PackedFields.decode(text) == nil, "\(text)")
        }
        #expect(PackedFields.decode(" [ [ \"a\" , 1 ] , null ] ")?.count == 2)
        #expect(PackedFields.decode("[[\"a\",\"\\ud83d\\ude00\\u5b57\"]]")?.first??.value == .text("😀字"))
    }

    @Test("an insert is one row; its entries keep consecutive numbers, and a cursor inside it yields the rest")
    func oneRowPerWrite() throws {
        let id = TestStore.newID(1)
        try insertContact(id, name: "张\"三\\")
        let (rows, viewed) = try store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM change_log_row"),
                try Row.fetchAll(db, sql: "SELECT seq, field, value FROM change_log ORDER BY seq")
            )
        }
        #expect(rows == 1)
        let entries = try store.read { try ChangeLogEntry.fetch($0) }
        #expect(entries.map(\.seq) == [1, 2, 3])
        #expect(viewed.map { $0["seq"] as Int64 } == [1, 2, 3])
        #expect(viewed.map { $0["field"] as String } == entries.map(\.change.field))
        #expect(viewed.map { FieldValue.fromDatabaseValue($0["value"]) } == entries.map(\.change.value))
        var after: [Int64: [String]] = [:]
        for cursor: Int64 in 0...3 {
            try store.forEachChange(after: cursor) {
                after[cursor, default: []].append($0.field); return true
            }
        }
        #expect(after[1] == Array(entries.map(\.change.field).dropFirst()))
        #expect(after[2] == [entries[2].change.field])
        #expect(after[3] == nil)
        #expect(try store.read { try ChangeLogEntry.fetch($0, after: 1, limit: 1) }.map(\.seq) == [2])
    }

    @Test("compaction drops superseded entries of a kept row by marking them; the others keep their numbers")
    func compaction() throws {
        let id = TestStore.newID(2)
        try insertContact(id, name: "张三")
        let before = try store.read { try ChangeLogEntry.fetch($0) }
        clock.set(1_764_000_001_000)
        try store.write { try $0.update(table: "contact", id: id, fields: ["role": .text("leader")]) }
        clock.set(1_764_000_002_000)
        try store.write { try $0.update(table: "contact", id: id, fields: ["role": .text("deputy")]) }
        #expect(try store.compactLog() == 2)
        let after = try store.read { try ChangeLogEntry.fetch($0) }
        #expect(after.map(\.seq) == before.filter { $0.change.field != "role" }.map(\.seq) + [5])
        #expect(after.last?.change.value == .text("deputy"))
        #expect(after.dropLast() == before.filter { $0.change.field != "role" })
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_log") } == 3)
        #expect(try store.compactLog() == 0)
    }

    @Test("a file logged one row per field is upgraded with every entry and number kept")
    func upgrade() throws {
        let path = dir.path("old.db")
        let old = try TestStore.create(path, clock: clock)
        try old.close()
        // The layout before 0016, as an older release wrote it.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP VIEW change_log")
            try db.execute(sql: "ALTER TABLE change_log_row RENAME TO change_log")
            try db.execute(sql: "ALTER TABLE change_log DROP COLUMN more")
            try db.execute(sql: "ALTER TABLE change_log DROP COLUMN n")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '0016_packed_log'")
            for (seq, field) in [(4, "name"), (5, "phone"), (9, "role")] {
                try db.execute(
                    sql: """
                        INSERT INTO change_log (seq, tbl, record, org, field, value, hlc, node, vv)
                        VALUES (?, 'contact', ?, ?, ?, 0.1 + 0.2, 117, '00000000000000aa', '00000000000000aa:1')
                        """, arguments: [seq, TestStore.newID(3).rawValue, TestStore.org, field])
            }
        }
        try queue.close()
        let store = try NodeStore.open(path: path)
        let entries = try store.read { try ChangeLogEntry.fetch($0) }
        #expect(entries.map(\.seq) == [4, 5, 9])
        #expect(entries.map(\.change.field) == ["name", "phone", "role"])
        #expect(entries.allSatisfy { $0.change.value == .real(0.1 + 0.2) })
        try store.write { writer in
            try writer.insert(
                table: "contact", id: TestStore.newID(4), org: TestStore.org, fields: ["name": .text("李四")])
        }
        #expect(try store.lastSequence() == 10)
    }

    @Test("a peer's writes, received field by field, are logged a row per write and read back as they came")
    func receivedWrites() throws {
        let peer = try TestStore.create(dir.path("peer.db"), clock: clock)
        let first = TestStore.newID(5)
        let second = TestStore.newID(6)
        try peer.write { writer in
            try writer.insert(
                table: "contact", id: first, org: TestStore.org,
                fields: ["name": .text("王\"五"), "phone": .text("13900002222"), "role": .text("liaison")])
            try writer.insert(table: "contact", id: second, org: TestStore.org, fields: ["name": .text("赵六")])
        }
        clock.set(1_764_000_001_000)
        try peer.write {
            try $0.update(table: "contact", id: first, fields: ["phone": .null, "role": .text("leader")])
        }
        let sent = try TestStore.changeLog(peer)
        #expect(sent.count == 6)
        let report = try TestStore.ship(sent, to: store)
        #expect(report.applied == 6, "\(report)")
        let rows = try store.read { db in try Int64.fetchAll(db, sql: "SELECT n FROM change_log_row ORDER BY seq") }
        #expect(rows == [3, 1, 2], "one row per write of the peer")
        let entries = try store.read { try ChangeLogEntry.fetch($0) }
        #expect(entries.map(\.change) == sent)
        #expect(entries.map(\.seq) == Array(1...6))
        let viewed = try store.read { db in try String.fetchAll(db, sql: "SELECT field FROM change_log ORDER BY seq") }
        #expect(viewed == sent.map(\.field))
        // Received again, nothing is logged twice; compaction drops the superseded entries and
        // keeps every other number.
        #expect(try TestStore.ship(sent, to: store).alreadyKnown == 6)
        #expect(try store.compactLog() == 2)
        let superseded = entries.prefix(3).filter { $0.change.field != "name" }.map(\.seq)
        #expect(
            try store.read { try ChangeLogEntry.fetch($0) }.map(\.seq)
                == Array(1...6).filter { !superseded.contains($0) })
    }

    /// Inserts a contact with three fields: one write, one row of the log.
    func insertContact(_ id: RecordID, name: String) throws {
        try store.write { writer in
            try writer.insert(
                table: "contact", id: id, org: TestStore.org,
                fields: ["name": .text(name), "phone": .text("13900001111"), "role": .text("liaison")])
        }
    }

    static func same(_ a: FieldValue, _ b: FieldValue) -> Bool {
        switch (a, b) {
        case (.real(let x), .real(let y)): x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        case (.null, .real(let y)): y.isNaN  // SQLite stores NaN as NULL; the log does too.
        default: a == b
        }
    }

    static func text(_ random: inout SplitMix64) -> String {
        let pieces = ["a", "字", "\"", "\\", "\n", "\u{01}", "\u{1F}", "😀", "/", "\u{7F}", "\u{2028}", " ", "é"]
        return (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func value(_ random: inout SplitMix64) -> FieldValue {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: .null
        case 1: .integer([Int64.min, Int64.max, 0, -1].randomElement(using: &random)!)
        case 2: .integer(Int64(bitPattern: random.next()))
        case 3:
            .real(
                [.infinity, -.infinity, -0.0, 0.1 + 0.2, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
                    .randomElement(using: &random)!)
        case 4: .real(Double(bitPattern: random.next()))
        default: .text(text(&random))
        }
    }
}
