import Foundation
import Testing

/// The change log, looked at with the `sqlite3` shell: exactly one entry per changed field.
@Suite("change log through the CLI", .ownThreads) struct ChangeLogTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    @Test(
        "add logs one change per non-null field, set one per changed field and none for the same value, delete one"
    )
    func changeLogIsExact() throws {
        try #require(SQLiteShell.isAvailable, "this test needs the sqlite3 command")
        let db = scratch.path("county.db")
        try initNode(db, org: "520201")
        let start = try changeLogCount(db)
        #expect(start == 0, "a new node has no changes: seeds are not records")

        let contact = try addRecord(
            "contact", db: db,
            ["--role", "信息员", "--name", "测试甲", "--post", "值班员", "--phone", "13900001111"])
        let nonNull = contact.nonNullFields
        #expect(nonNull == ["last_confirmed", "name", "phone", "post", "role"])
        #expect(try changeLogCount(db) == start + nonNull.count)
        #expect(
            try SQLiteShell.run(
                db, "SELECT group_concat(field, ',') FROM (SELECT field FROM change_log ORDER BY field)")
                == nonNull.joined(separator: ","))

        let set = try expectSuccess("contact", "set", "--db", db, contact.id, "phone=13900002222")
        #expect(set.output == "updated \(contact.id): phone")
        #expect(try changeLogCount(db) == start + nonNull.count + 1)

        let same = try expectSuccess("contact", "set", "--db", db, contact.id, "phone=139-0000-2222")
        #expect(same.output == "no change to \(contact.id)", "the same number, typed with dashes")
        #expect(try changeLogCount(db) == start + nonNull.count + 1)

        try expectSuccess("contact", "delete", "--db", db, contact.id)
        #expect(try changeLogCount(db) == start + nonNull.count + 1 + 0 + 1)

        let rows = try SQLiteShell.run(
            db,
            "SELECT tbl || ' ' || record || ' ' || org || ' ' || field || ' ' || quote(value) FROM change_log ORDER BY seq"
        )
        .split(separator: "\n").map(String.init)
        #expect(
            rows.suffix(2) == [
                "contact \(contact.id) 520201 phone '13900002222'",
                "contact \(contact.id) 520201 _deleted 1",
            ])
        let node = try SQLiteShell.run(db, "SELECT id FROM node")
        #expect(
            try SQLiteShell.integer(db, "SELECT count(*) FROM change_log WHERE node <> '\(node)'") == 0)
        #expect(
            try SQLiteShell.integer(db, "SELECT count(DISTINCT hlc) FROM change_log") == 3,
            "the fields of one add share a stamp; the set and the delete each have their own")

        let deletedAgain = try tiersync("contact", "delete", "--db", db, contact.id)
        #expect(deletedAgain.exitCode != 0)
        #expect(
            deletedAgain.errorLines.count == 1 && deletedAgain.errorLines[0].contains("deleted"),
            "\(deletedAgain.summary)")
        #expect(try changeLogCount(db) == start + nonNull.count + 2)
    }

    @Test("a stock receipt of a new item logs the item's fields and the event's fields")
    func stockChangeLog() throws {
        try #require(SQLiteShell.isAvailable, "this test needs the sqlite3 command")
        let db = scratch.path("county.db")
        try initNode(db, org: "520201")
        try expectSuccess(
            "stock", "receive", "--db", db, "--item", "帐篷", "--category", "生活保障类", "--unit", "顶",
            "--site", "一号库",
            "--quantity", "20", "--json")
        let records = try exportedRecords(db)
        let expected = records.map(\.nonNullFields.count).reduce(0, +)
        #expect(records.map(\.table) == ["material_item", "stock_event"])
        #expect(try changeLogCount(db) == expected)
    }
}
