import Foundation
import Testing

/// One line of `tiersync stock balance --json`.
struct BalanceJSON: Decodable, Equatable {
    let item: String
    let itemName: String
    let category: String
    let unit: String
    let reserveKind: String
    let org: String
    let orgName: String
    let site: String
    let quantity: Double
}

/// `tiersync stock ...` on a county node (钟山区): movements are immutable events and
/// balances are derived from them.
@Suite("stock ledger", .ownThreads) struct StockCommandTests {
    let scratch: Scratch
    let db: String

    init() throws {
        scratch = try Scratch()
        db = scratch.path("county.db")
        try initNode(db, org: "520201")
    }

    /// Runs a stock movement with `--json` and returns the event.
    func movement(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws
        -> RecordJSON
    {
        let verb = arguments[0]
        let result = try expectSuccess(
            ["stock", verb, "--db", db, "--json"] + arguments.dropFirst(), sourceLocation: sourceLocation)
        return try RecordJSON.decode(result.stdout)
    }

    /// `stock balance --json`, as (org, site) → quantity for `itemName`.
    func balances(org: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [BalanceJSON]
    {
        let result = try expectSuccess(
            ["stock", "balance", "--db", db, "--json"] + (org.map { ["--org", $0] } ?? []),
            sourceLocation: sourceLocation)
        struct Balances: Decodable { let balances: [BalanceJSON] }
        return try JSONDecoder().decode(Balances.self, from: result.stdoutData).balances
    }

    func quantities(org: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String: Double]
    {
        Dictionary(
            uniqueKeysWithValues: try balances(org: org, sourceLocation: sourceLocation).map {
                ("\($0.org)/\($0.site)", $0.quantity)
            })
    }

    @Test("stock receive of a new item creates the item and prints the event id")
    func receiveCreatesItem() throws {
        let result = try expectSuccess(
            "stock", "receive", "--db", db, "--item", "帐篷", "--category", "生活保障类", "--unit", "顶",
            "--site", "一号库",
            "--quantity", "20", "--source", "purchase", "--date", "2026-03-02")
        #expect(isRecordID(result.output), "\(result.summary)")

        let items = try RecordList.decode(
            try expectSuccess("stock", "items", "--db", db, "--json").stdout
        ).records
        try #require(items.count == 1)
        let item = items[0]
        #expect(item.table == "material_item")
        #expect(item.org == "520201")
        #expect(item["name"] == "帐篷")
        #expect(item["category"] == "life-support")
        #expect(item["unit"] == "顶")
        #expect(item["reserve_kind"] == "physical")

        let events = try RecordList.decode(
            try expectSuccess("stock", "events", "--db", db, "--json").stdout
        ).records
        try #require(events.count == 1)
        #expect(events[0].id == result.output)
        #expect(events[0]["item"] == .string(item.id))
        #expect(events[0]["kind"] == "receive")
        #expect(events[0]["quantity"] == 20)
        #expect(events[0]["source"] == "purchase")
        #expect(events[0]["occurred_on"] == "2026-03-02")

        let balance = try balances()
        #expect(
            balance == [
                BalanceJSON(
                    item: item.id, itemName: "帐篷", category: "life-support", unit: "顶",
                    reserveKind: "physical", org: "520201",
                    orgName: "钟山区", site: "一号库", quantity: 20)
            ])

        // A second receipt names the item and needs no description.
        _ = try movement("receive", "--item", "帐篷", "--site", "一号库", "--quantity", "2.5")
        #expect(try quantities() == ["520201/一号库": 22.5])
        _ = try movement("receive", "--item", item.id, "--site", "一号库", "--quantity", "0.1")
        #expect(try quantities() == ["520201/一号库": 22.6])
        #expect(
            try RecordList.decode(try expectSuccess("stock", "items", "--db", db, "--json").stdout)
                .records.count == 1)
    }

    @Test("stock receive of an unknown item without --category and --unit is refused")
    func receiveUnknownItemNeedsDescription() throws {
        try expectRefusal(
            db: db,
            ["stock", "receive", "--db", db, "--item", "救生衣", "--site", "一号库", "--quantity", "5"],
            mentions: ["救生衣", "--category"])
    }

    @Test("stock issue lowers the balance of the site exactly")
    func issue() throws {
        _ = try movement(
            "receive", "--item", "编织袋", "--category", "flood-control", "--unit", "条", "--site", "一号库",
            "--quantity", "1000")
        let issued = try movement(
            "issue", "--item", "编织袋", "--site", "一号库", "--quantity", "250.5", "--note", "汛期发放")
        #expect(issued["kind"] == "issue")
        #expect(issued["quantity"] == 250.5)
        #expect(issued["note"] == "汛期发放")
        #expect(try quantities() == ["520201/一号库": 749.5])
        _ = try movement("issue", "--item", "编织袋", "--site", "一号库", "--quantity", "749.5")
        #expect(try quantities() == ["520201/一号库": 0], "issuing everything held is allowed")
    }

    @Test("stock transfer moves stock between sites and to a child org's site")
    func transfer() throws {
        _ = try movement(
            "receive", "--item", "发电机", "--category", "电力照明设备", "--unit", "台", "--site", "一号库",
            "--quantity", "20")
        let local = try movement(
            "transfer", "--item", "发电机", "--from-site", "一号库", "--to-site", "二号库", "--quantity", "5")
        #expect(local["kind"] == "transfer")
        #expect(local["to_site"] == "二号库")
        #expect(local["to_org"] == "520201")
        #expect(try quantities() == ["520201/一号库": 15, "520201/二号库": 5])

        let down = try movement(
            "transfer", "--item", "发电机", "--site", "一号库", "--to-org", "520201101", "--to-site", "大河镇仓库",
            "--quantity", "3")
        #expect(down["to_org"] == "520201101")
        #expect(try quantities() == ["520201/一号库": 12, "520201/二号库": 5, "520201101/大河镇仓库": 3])

        let town = try balances(org: "520201101")
        #expect(town.count == 1)
        #expect(town.first?.orgName == "大河镇")
        #expect(town.first?.itemName == "发电机")
        #expect(town.first?.quantity == 3)

        try expectRefusal(
            db: db,
            [
                "stock", "transfer", "--db", db, "--item", "发电机", "--site", "二号库", "--to-site", "三号库",
                "--quantity", "6",
            ],
            mentions: ["6", "二号库", "5"])
        try expectRefusal(
            db: db,
            [
                "stock", "transfer", "--db", db, "--item", "发电机", "--site", "二号库", "--to-org", "520299",
                "--to-site", "外区", "--quantity", "1",
            ],
            mentions: ["org", "520299"])
        try expectRefusal(
            db: db,
            [
                "stock", "transfer", "--db", db, "--item", "发电机", "--site", "二号库", "--to-site", "二号库",
                "--quantity", "1",
            ],
            mentions: ["to-site", "二号库"])
        #expect(try quantities() == ["520201/一号库": 12, "520201/二号库": 5, "520201101/大河镇仓库": 3])
    }

    @Test("stock count records a stocktake that sets the balance to the counted quantity")
    func count() throws {
        _ = try movement(
            "receive", "--item", "手电筒", "--category", "power-lighting", "--unit", "个", "--site", "一号库",
            "--quantity", "20")
        _ = try movement("issue", "--item", "手电筒", "--site", "一号库", "--quantity", "3")
        let counted = try movement("count", "--item", "手电筒", "--site", "一号库", "--quantity", "15.5")
        #expect(counted["kind"] == "count")
        #expect(counted["quantity"] == 15.5)
        #expect(counted["delta"] == -1.5)
        #expect(try quantities() == ["520201/一号库": 15.5])

        let up = try movement("count", "--item", "手电筒", "--site", "一号库", "--quantity", "18")
        #expect(up["delta"] == 2.5)
        #expect(try quantities() == ["520201/一号库": 18])

        let table = try expectSuccess("stock", "balance", "--db", db)
        #expect(
            table.stdout.contains("手电筒") && table.stdout.contains("18")
                && table.stdout.contains("电力照明设备"), "\(table.stdout)")
    }

    @Test("stock reverse of an event restores the balance, and reversing it twice is refused")
    func reverse() throws {
        _ = try movement(
            "receive", "--item", "帐篷", "--category", "life-support", "--unit", "顶", "--site", "一号库",
            "--quantity", "20")
        let issued = try movement("issue", "--item", "帐篷", "--site", "一号库", "--quantity", "8")
        #expect(try quantities() == ["520201/一号库": 12])

        let reversal = try movement("reverse", issued.id, "--note", "录入错误")
        #expect(isRecordID(reversal.id) && reversal.id != issued.id)
        #expect(reversal["kind"] == "reversal")
        #expect(reversal["reverses"] == .string(issued.id))
        #expect(reversal["delta"] == 8)
        #expect(reversal["note"] == "录入错误")
        #expect(try quantities() == ["520201/一号库": 20])

        try expectRefusal(
            db: db, ["stock", "reverse", "--db", db, issued.id],
            mentions: ["event", issued.id, "not reversed yet"])
        try expectRefusal(
            db: db, ["stock", "reverse", "--db", db, reversal.id],
            mentions: ["event", reversal.id, "reversal"])
        #expect(try quantities() == ["520201/一号库": 20])

        let events = try RecordList.decode(
            try expectSuccess("stock", "events", "--db", db, "--json").stdout
        ).records
        #expect(events.count == 3, "the issue stays in the ledger beside its reversal")
    }

    @Test("stock reverse of a transfer restores both sites")
    func reverseTransfer() throws {
        _ = try movement(
            "receive", "--item", "帐篷", "--category", "life-support", "--unit", "顶", "--site", "一号库",
            "--quantity", "20")
        let moved = try movement(
            "transfer", "--item", "帐篷", "--site", "一号库", "--to-org", "520201101", "--to-site", "镇库",
            "--quantity", "7")
        #expect(try quantities() == ["520201/一号库": 13, "520201101/镇库": 7])
        _ = try movement("reverse", moved.id)
        #expect(try quantities() == ["520201/一号库": 20, "520201101/镇库": 0])
    }

    @Test(
        "stock transfer to a site of an org outside the node's subtree is refused"
    )
    func transferOutsideSubtree() throws {
        _ = try movement(
            "receive", "--item", "发电机", "--category", "电力照明设备", "--unit", "台", "--site", "一号库",
            "--quantity", "20")
        try expectRefusal(
            db: db,
            [
                "stock", "transfer", "--db", db, "--item", "发电机", "--site", "一号库", "--to-org", "520203",
                "--to-site", "外区", "--quantity", "1",
            ],
            mentions: ["520203", "outside"])
        #expect(try quantities() == ["520201/一号库": 20])
    }

    @Test("stock reverse of a receipt whose stock was issued since is refused")
    func reverseWouldGoNegative() throws {
        let received = try movement(
            "receive", "--item", "帐篷", "--category", "life-support", "--unit", "顶", "--site", "一号库",
            "--quantity", "20")
        _ = try movement("issue", "--item", "帐篷", "--site", "一号库", "--quantity", "15")
        try expectRefusal(
            db: db, ["stock", "reverse", "--db", db, received.id],
            mentions: ["event", received.id, "negative", "一号库"])
        #expect(try quantities() == ["520201/一号库": 5])
    }

    @Test(
        "stock count of an empty site records a stocktake of 0"
    )
    func countZero() throws {
        _ = try movement(
            "receive", "--item", "手电筒", "--category", "power-lighting", "--unit", "个", "--site", "一号库",
            "--quantity", "4")
        let counted = try movement("count", "--item", "手电筒", "--site", "一号库", "--quantity", "0")
        #expect(counted["delta"] == -4)
        #expect(try quantities() == ["520201/一号库": 0])
    }
}
