import Foundation
import Testing

/// `tiersync plan|contact|drill|report add|set|delete|list|show` on a county node (钟山区).
@Suite("record commands", .ownThreads) struct RecordCommandTests {
    let scratch: Scratch
    let db: String

    init() throws {
        scratch = try Scratch()
        db = scratch.path("county.db")
        try initNode(db, org: "520201")
    }

    /// One `add` per record kind, with its required fields.
    struct AddCase: CustomTestStringConvertible, Sendable {
        let kind: String
        let table: String
        let fields: [String]
        var testDescription: String { kind }
    }

    static let addCases: [AddCase] = [
        AddCase(
            kind: "plan", table: "plan", fields: ["--title", "钟山区突发事件总体应急预案", "--level", "overall"]),
        AddCase(
            kind: "contact", table: "contact",
            fields: ["--role", "information-officer", "--name", "测试甲", "--phone", "13900001111"]),
        AddCase(
            kind: "drill", table: "drill",
            fields: [
                "--title", "防汛桌面推演", "--kind", "tabletop", "--held-on", "2026-03-15", "--participants",
                "24",
            ]),
        AddCase(
            kind: "report", table: "progress_report",
            fields: ["--period", "2026-03-H1", "--body", "本期完成预案修订两项。"]),
    ]

    @Test("add prints the new record's id, a UUID, and the record exists", arguments: addCases)
    func addPrintsID(_ addCase: AddCase) throws {
        let result = try expectSuccess([addCase.kind, "add", "--db", db] + addCase.fields)
        #expect(isRecordID(result.output), "\(result.summary)")
        #expect(result.stdout == result.output + "\n", "exactly one line")
        let shown = try RecordJSON.decode(
            try expectSuccess(addCase.kind, "show", "--db", db, result.output, "--json").stdout)
        #expect(shown.id == result.output)
        #expect(shown.table == addCase.table)
        #expect(shown.org == "520201")
    }

    @Test("add --json prints the record as a JSON object with id, table, org and fields")
    func addJSON() throws {
        let result = try expectSuccess(
            "contact", "add", "--db", db, "--json", "--role", "信息员", "--name", "测试乙", "--post", "值班员",
            "--phone", "139 0000 2222", "--last-confirmed", "2026-03-01")
        let object = try JSONValue.decode(result.stdout)
        #expect(object.keys.isSuperset(of: ["id", "table", "org", "deleted", "fields"]), "\(object)")
        let record = try RecordJSON.decode(result.stdout)
        #expect(isRecordID(record.id))
        #expect(record.table == "contact")
        #expect(record.org == "520201")
        #expect(record.deleted == false)
        #expect(record["role"] == "information-officer")
        #expect(record["name"] == "测试乙")
        #expect(record["post"] == "值班员")
        #expect(record["phone"] == "13900002222", "spaces in a mobile number are removed")
        #expect(record["last_confirmed"] == "2026-03-01")
        #expect(record["wechat"] == .null)
    }

    @Test(
        "a contact role is accepted by its Chinese name and by its English key, and stored as the key")
    func roleVocabulary() throws {
        let chinese = try addRecord(
            "contact", db: db, ["--role", "信息员", "--name", "测试丙", "--phone", "13900003333"])
        let english = try addRecord(
            "contact", db: db,
            ["--role", "information-officer", "--name", "测试丁", "--phone", "13900004444"])
        #expect(chinese["role"] == "information-officer")
        #expect(english["role"] == "information-officer")
        let commander = try addRecord(
            "contact", db: db, ["--role", "现场指挥官", "--name", "测试戊", "--phone", "0858-8221234"])
        #expect(commander["role"] == "commander")
        #expect(commander["phone"] == "0858-8221234")
    }

    @Test(
        "a plan category is accepted by its Chinese name and by its English key, and stored as the key")
    func categoryVocabulary() throws {
        let chinese = try addRecord(
            "plan", db: db, ["--title", "地质灾害专项应急预案", "--level", "专项应急预案", "--category", "地质灾害"])
        let english = try addRecord(
            "plan", db: db,
            ["--title", "Geological plan", "--level", "special", "--category", "geological-disaster"])
        for plan in [chinese, english] {
            #expect(plan["level"] == "special")
            #expect(plan["category"] == "geological-disaster")
            #expect(plan["status"] == "drafting", "status defaults to drafting")
        }
    }

    @Test("set ID field=value changes the field and show --json reflects it")
    func setChangesField() throws {
        let contact = try addRecord(
            "contact", db: db, ["--role", "liaison", "--name", "测试己", "--phone", "13900005555"])
        let set = try expectSuccess(
            "contact", "set", "--db", db, contact.id, "phone=13900006666", "post=联络员")
        #expect(set.output == "updated \(contact.id): post, phone", "\(set.summary)")

        let shown = try RecordJSON.decode(
            try expectSuccess("contact", "show", "--db", db, contact.id, "--json").stdout)
        #expect(shown["phone"] == "13900006666")
        #expect(shown["post"] == "联络员")
        #expect(shown["name"] == "测试己", "other fields are kept")

        let again = try expectSuccess("contact", "set", "--db", db, contact.id, "phone=13900006666")
        #expect(again.output == "no change to \(contact.id)")

        let text = try expectSuccess("contact", "show", "--db", db, contact.id)
        #expect(text.stdout.contains("13900006666"))
        #expect(text.stdout.contains("联络员"))
    }

    @Test("delete hides a record from list, and export shows it with deleted true")
    func deleteKeepsTombstone() throws {
        let kept = try addRecord(
            "contact", db: db, ["--role", "expert", "--name", "测试庚", "--phone", "13900007777"])
        let gone = try addRecord(
            "contact", db: db, ["--role", "expert", "--name", "测试辛", "--phone", "13900008888"])

        let deleted = try expectSuccess("contact", "delete", "--db", db, gone.id)
        #expect(deleted.output == "deleted \(gone.id)")

        let listed = try RecordList.decode(
            try expectSuccess("contact", "list", "--db", db, "--json").stdout)
        #expect(listed.records.map(\.id) == [kept.id])
        let table = try expectSuccess("contact", "list", "--db", db)
        #expect(table.stdout.contains(kept.id) && !table.stdout.contains(gone.id), "\(table.stdout)")
        #expect(table.stdout.contains("1 contact record"), "\(table.stdout)")

        let withDeleted = try RecordList.decode(
            try expectSuccess("contact", "list", "--db", db, "--deleted", "--json").stdout)
        #expect(Set(withDeleted.records.map(\.id)) == [kept.id, gone.id])

        let exported = try exportedRecords(db)
        let tombstone = try #require(exported.first { $0.id == gone.id })
        #expect(tombstone.deleted == true)
        #expect(tombstone.table == "contact")
        #expect(tombstone["name"] == "测试辛", "a tombstone keeps its fields")
        #expect(exported.first { $0.id == kept.id }?.deleted == false)
        #expect(try exportJSON(db).contains("\"deleted\":true"))

        let shown = try RecordJSON.decode(
            try expectSuccess("contact", "show", "--db", db, gone.id, "--json").stdout)
        #expect(shown.deleted == true)
    }

    @Test("list --org CODE lists only that org and the units below it")
    func listFiltersSubtree() throws {
        let county = try addRecord(
            "contact", db: db, ["--role", "信息员", "--name", "区信息员", "--phone", "13900000001"])
        let town = try addRecord(
            "contact", db: db,
            ["--org", "520201101", "--role", "信息员", "--name", "大河镇信息员", "--phone", "13900000002"])
        let otherTown = try addRecord(
            "contact", db: db,
            ["--org", "520201011", "--role", "信息员", "--name", "黄土坡信息员", "--phone", "13900000003"])
        #expect(town.org == "520201101")
        #expect(otherTown.org == "520201011")

        let townList = try RecordList.decode(
            try expectSuccess("contact", "list", "--db", db, "--org", "520201101", "--json").stdout)
        #expect(townList.records.map(\.id) == [town.id])
        #expect(townList.records.first?["name"] == "大河镇信息员")

        let countyList = try RecordList.decode(
            try expectSuccess("contact", "list", "--db", db, "--org", "520201", "--json").stdout)
        #expect(countyList.records.map(\.id) == [county.id, town.id, otherTown.id], "oldest first")

        let table = try expectSuccess("contact", "list", "--db", db, "--org", "520201101")
        #expect(
            table.stdout.contains("大河镇信息员") && !table.stdout.contains("黄土坡信息员")
                && !table.stdout.contains("区信息员"))
        #expect(table.stdout.contains("大河镇"), "the org is shown by name")
    }

    @Test("list --json prints every live record of the kind as {\"records\":[...]}")
    func listJSON() throws {
        let overall = try addRecord(
            "plan", db: db, ["--title", "总体预案", "--level", "overall", "--status", "已发布"])
        let flood = try addRecord(
            "plan", db: db,
            [
                "--title", "防汛预案", "--level", "special", "--category", "洪涝灾害", "--revision-deadline",
                "2026-06-30",
                "--documents", "工作手册,response-card", "--filed-with", "520200", "--filed-on", "2026-01-20",
            ])
        _ = try addRecord(
            "contact", db: db, ["--role", "信息员", "--name", "不是预案", "--phone", "13900000009"])

        let result = try expectSuccess("plan", "list", "--db", db, "--json")
        let object = try JSONValue.decode(result.stdout)
        #expect(object.keys == ["records"])
        let list = try RecordList.decode(result.stdout)
        #expect(list.records.map(\.id) == [overall.id, flood.id])
        #expect(list.records.allSatisfy { $0.table == "plan" && $0.org == "520201" && !$0.deleted })
        #expect(list.records[0]["status"] == "published")
        #expect(list.records[1]["category"] == "flood-disaster")
        #expect(list.records[1]["revision_deadline"] == "2026-06-30")
        #expect(list.records[1]["documents"] == "work-manual,response-card")
        #expect(list.records[1]["filed_with"] == "520200")
    }

    @Test("a drill and a progress report store their typed fields")
    func drillAndReportFields() throws {
        let plan = try addRecord(
            "plan", db: db, ["--title", "森林火灾预案", "--level", "special", "--category", "森林火灾"])
        let drill = try addRecord(
            "drill", db: db,
            [
                "--title", "森林防火实战演练", "--kind", "实战演练", "--date", "2026-04-02", "--participants", "120",
                "--plan", plan.id,
            ])
        #expect(drill["kind"] == "full-scale")
        #expect(drill["held_on"] == "2026-04-02")
        #expect(drill["participants"] == 120)
        #expect(drill["plan"] == .string(plan.id))

        let report = try addRecord(
            "report", db: db,
            ["--period", "2026-04-h2", "--text", "完成演练一次。", "--submitted-at", "2026-04-30T17:00"])
        #expect(report.table == "progress_report")
        #expect(report["period"] == "2026-04-H2")
        #expect(report["body"] == "完成演练一次。")
        #expect(report["submitted_at"] == "2026-04-30T09:00:00Z", "a time without a zone is China time")
    }
}
