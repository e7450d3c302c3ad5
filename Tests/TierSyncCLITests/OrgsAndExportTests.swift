import Foundation
import Testing

/// `tiersync orgs` and `tiersync export`.
@Suite("orgs and export", .ownThreads) struct OrgsAndExportTests {
    let scratch: Scratch
    let db: String

    init() throws {
        scratch = try Scratch()
        db = scratch.path("county.db")
        try initNode(db, org: "520201")
    }

    @Test("orgs --under 520201 --json lists 钟山区 and its townships only")
    func orgsUnderCounty() throws {
        let result = try expectSuccess("orgs", "--db", db, "--under", "520201", "--json")
        let units = try #require(try JSONValue.decode(result.stdout).array)
        #expect(
            units.compactMap { $0["code"]?.string } == [
                "520201", "520201011", "520201014", "520201101", "520201102",
            ])
        #expect(units.first?["name"] == "钟山区")
        #expect(units.first?["level"] == "county")
        #expect(units.first?["path"] == "520000/520200/520201")
        #expect(units.dropFirst().allSatisfy { $0["parent"] == "520201" && $0["level"] == "township" })
        #expect(units.first { $0["code"] == "520201101" }?["name"] == "大河镇")
    }

    @Test("orgs without --under lists the whole hierarchy, indented by level")
    func orgsTable() throws {
        let result = try expectSuccess("orgs", "--db", db)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("code") == true)
        #expect(lines.count == 2 + 26, "header, rule and the 26 org units of the seeds: \(lines.count)")
        #expect(lines.contains { $0.hasPrefix("520000") && $0.contains("贵州省") })
        #expect(lines.contains { $0.hasPrefix("520201101") && $0.contains("    大河镇 (sample)") })
        let unknown = try tiersync("orgs", "--db", db, "--under", "123")
        #expect(unknown.exitCode != 0)
        #expect(
            unknown.errorLines.count == 1 && unknown.errorLines[0].contains("'123'"), "\(unknown.summary)"
        )
    }

    @Test(
        "export --format csv starts with a UTF-8 BOM, has a header line, keeps Chinese text and ends lines with CRLF"
    )
    func exportCSV() throws {
        let first = try addRecord(
            "contact", db: db,
            ["--role", "信息员", "--name", "测试甲", "--post", "科长, 值班\"A\"", "--phone", "13900001111"])
        let second = try addRecord(
            "contact", db: db,
            [
                "--org", "520201101", "--role", "网格长", "--name", "测试乙", "--phone", "13900002222",
                "--wechat", "test_wx01",
            ])

        let result = try expectSuccess("export", "--db", db, "--format", "csv", "--table", "contact")
        let bytes = [UInt8](result.stdoutData)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark")
        let text = try #require(String(data: result.stdoutData.dropFirst(3), encoding: .utf8))
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.contains("\u{FEFF}"), "only one byte-order mark")
        let bareLineFeeds = zip([UInt8(0)] + bytes, bytes).filter { previous, byte in
            byte == 0x0A && previous != 0x0D
        }
        #expect(bareLineFeeds.isEmpty, "every line ends with CRLF")

        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count == 3, "header and two records: \(lines)")
        #expect(
            lines.first
                == "id,org,deleted,created,updated,role,hazard,name,post,phone,wechat,last_confirmed,share")
        let rows = [first, second].sorted { $0.id < $1.id }
        for (line, record) in zip(lines.dropFirst(), rows) {
            #expect(line.hasPrefix("\(record.id),\(record.org),0,"), "\(line)")
        }
        let firstLine = try #require(lines.first { $0.hasPrefix(first.id) })
        #expect(
            firstLine.contains(",information-officer,,测试甲,\"科长, 值班\"\"A\"\"\",13900001111,,"),
            "\(firstLine)")
        let secondLine = try #require(lines.first { $0.hasPrefix(second.id) })
        #expect(secondLine.contains(",grid-leader,,测试乙,,13900002222,test_wx01,"), "\(secondLine)")
    }

    @Test("export --format csv takes a kind name and marks deleted records")
    func exportCSVKindName() throws {
        let plan = try addRecord("plan", db: db, ["--title", "总体预案", "--level", "overall"])
        try expectSuccess("plan", "delete", "--db", db, plan.id)
        let result = try expectSuccess("export", "--db", db, "--format", "csv", "--table", "plan")
        let lines = String(decoding: result.stdoutData.dropFirst(3), as: UTF8.self).components(
            separatedBy: "\r\n")
        #expect(
            lines.first?.hasPrefix("id,org,deleted,created,updated,title,level,category,status") == true)
        #expect(lines.dropFirst().first?.hasPrefix("\(plan.id),520201,1,") == true, "\(lines)")
        #expect(lines.dropFirst().first?.contains(",总体预案,overall,,drafting,") == true, "\(lines)")
    }

    @Test("export --format csv without --table is refused with a message naming the allowed tables")
    func exportCSVNeedsTable() throws {
        let line = try expectRefusal(
            db: db, ["export", "--db", db, "--format", "csv"], mentions: ["table"])
        for table in ["contact", "drill", "material_item", "plan", "progress_report", "stock_event"] {
            #expect(line.contains(table), "\(table) should be named: \(line)")
        }
        try expectRefusal(
            db: db, ["export", "--db", db, "--format", "csv", "--table", "people"], mentions: ["people"])
    }

    @Test("export --format json prints every record of every table, ordered by table and id")
    func exportJSONOrdering() throws {
        let contacts = try (1...3).map { index in
            try addRecord(
                "contact", db: db,
                ["--role", "信息员", "--name", "测试\(index)", "--phone", "1390000000\(index)"])
        }
        let plan = try addRecord("plan", db: db, ["--title", "总体预案", "--level", "overall"])
        try expectSuccess(
            "stock", "receive", "--db", db, "--item", "帐篷", "--category", "生活保障类", "--unit", "顶",
            "--site", "一号库",
            "--quantity", "20")

        let text = try exportJSON(db)
        #expect(text.hasPrefix("{\"records\":["))
        let records = try RecordList.decode(text).records
        #expect(
            records.map(\.table) == [
                "contact", "contact", "contact", "material_item", "plan", "stock_event",
            ])
        #expect(Array(records.prefix(3).map(\.id)) == contacts.map(\.id).sorted())
        #expect(records[4].id == plan.id)
        #expect(records.allSatisfy { !$0.deleted })

        let contactsOnly = try RecordList.decode(
            try expectSuccess("export", "--db", db, "--format", "json", "--table", "contact").stdout)
        #expect(contactsOnly.records.map(\.id) == contacts.map(\.id).sorted())
    }
}
