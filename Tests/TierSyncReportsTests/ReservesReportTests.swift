import Testing
import TierSyncDomain
import TierSyncReports

/// Reserves: balances derived from the stock events as `tiersync stock balance` derives
/// them, grouped by category, reserve kind and org; what was issued and written off.
@Suite struct ReservesReportTests {
    let f: ReportFixture
    init() throws { f = try ReportFixture() }

    typealias Entry = TierSyncNode.StockEntry

    func receive(_ org: String, _ item: String, _ quantity: String, site: String = "库", date: String? = nil) throws {
        try f.node.recordStock(
            .receive,
            Entry(
                org: org, item: item, site: site, quantity: quantity, date: date,
                newItem: ["category": "生活保障类", "unit": "顶"]))
    }

    @Test("transfers move stock between orgs, reversals undo events, and totals match the ledger's balances")
    func balances() throws {
        try receive("520201", "帐篷", "100")
        try f.node.recordStock(
            .transfer, Entry(org: "520201", item: "帐篷", site: "库", quantity: "30", toSite: "镇库", toOrg: "520201101"))
        try f.node.recordStock(.issue, Entry(org: "520201101", item: try tentID("520201"), site: "镇库", quantity: "5"))
        let wrongIssue = try f.node.recordStock(.issue, Entry(org: "520201", item: "帐篷", site: "库", quantity: "8"))
        try f.node.reverseStock(eventID: wrongIssue.id.rawValue)
        try receive("520203", "帐篷", "12.5")
        let report = try f.report(.reserves)
        let byOrg = try #require(report.table("by-org"))
        #expect(byOrg.number("held", org: "520201") == 95)
        #expect(byOrg.number("issued", org: "520201") == 5, "the reversed issue is not counted")
        #expect(byOrg.number("held", org: "520203") == 12.5)
        let total = try #require(report.table("by-category"))
        #expect(total.rows.count == 1)
        #expect(total.value(total.rows[0], "held") == .number(107.5))
        #expect(total.value(total.rows[0], "category") == .text("生活保障类"))
        #expect(total.value(total.rows[0], "reserveKind") == .text("实物储备"))
        let ledger = try f.node.stockBalances().reduce(0) { $0 + $1.quantity }
        #expect(ledger == 107.5)
        let county = try f.report(.reserves, org: "520201")
        let sites = try #require(county.table("sites"))
        #expect(sites.orgs == ["520201", "520201101"])
        #expect(sites.column("held") == [.number(70), .number(25)])
        let summary = try #require(county.table("summary"))
        #expect(summary.number("sites", org: nil) == 2)
        #expect(summary.number("items", org: nil) == 1, "the same item at two orgs is one kind of item")
    }

    @Test("a stocktake that finds less is written off; reversing it restores the figure")
    func writeOff() throws {
        try receive("520201101", "帐篷", "10")
        try f.node.recordStock(.count, Entry(org: "520201101", item: "帐篷", site: "库", quantity: "7"))
        let report = try f.report(.reserves, org: "520201")
        #expect(try #require(report.table("by-org")).number("writtenOff", org: "520201101") == 3)
        #expect(try #require(report.table("by-org")).number("held", org: "520201101") == 7)
    }

    @Test("events after the as-of date are not yet counted")
    func asOf() throws {
        try receive("520201101", "帐篷", "10", date: "2026-01-10")
        try receive("520201101", "帐篷", "5", date: "2026-11-29")
        let early = try f.report(.reserves, org: "520201", asOf: date("2026-06-30"))
        #expect(try #require(early.table("by-org")).number("held", org: "520201101") == 10)
        let now = try f.report(.reserves, org: "520201")
        #expect(try #require(now.table("by-org")).number("held", org: "520201101") == 15)
    }

    func tentID(_ org: String) throws -> String {
        try #require(try f.node.list(.materialItem, under: org).first { $0.org == org }).id.rawValue
    }
}
