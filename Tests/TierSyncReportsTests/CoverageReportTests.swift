import Testing
import TierSyncReports

/// Plan coverage: which townships, villages and enterprises lack a plan, or have an unfiled
/// or overdue one; special-plan categories per county.
@Suite struct CoverageReportTests {
    let f: ReportFixture
    init() throws {
        f = try ReportFixture()
        // 钟山区 has four townships; 大河镇 gets a village and an enterprise.
        try f.org("520201101201", under: "520201101", name: "示例村", level: .village)
        try f.org("520201101901", under: "520201101", name: "示例煤矿", level: .enterprise)
    }

    @Test("a unit is covered by one live plan; deleted plans do not count; the percentage is per child and in total")
    func coveragePerChild() throws {
        try f.plan("520201101", filedWith: "520201", filedOn: "2026-03-10")
        try f.plan("520201101201", filedWith: "520201", filedOn: "2026-03-10")
        try f.plan("520201102", deleted: true)
        let summary = try #require(try f.report(.coverage).table("summary"))
        // 钟山区: 4 townships + village + enterprise = 6 required, 2 covered.
        #expect(summary.number("required", org: "520201") == 6)
        #expect(summary.number("covered", org: "520201") == 2)
        #expect(summary.number("coverage", org: "520201") == 33.3)
        #expect(summary.number("missing", org: "520201") == 4)
        // The city has 19 townships in the seeds, plus the two units added.
        #expect(summary.number("required", org: nil) == 21)
        #expect(summary.number("covered", org: nil) == 2)
        #expect(summary.orgs == ["520201", "520203", "520204", "520281", "520290"])
    }

    @Test("plans without a filing record, and plans whose revision deadline is before the as-of date, are counted")
    func unfiledAndOverdue() throws {
        try f.plan("520201101", filedWith: "520201", filedOn: "2026-03-10", deadline: "2026-11-29")
        try f.plan("520201101", deadline: "2026-11-28")  // unfiled and overdue by one day
        try f.plan("520201101901", filedWith: "520201")  // named but never filed: no date
        try f.plan("520201", level: "overall", filedWith: "520200", filedOn: "2026-01-05")  // the county's own
        let report = try f.report(.coverage)
        let summary = try #require(report.table("summary"))
        #expect(summary.number("unfiled", org: "520201") == 2)
        #expect(summary.number("overdue", org: "520201") == 1)
        #expect(summary.number("plans", org: "520201") == 4)
        let detail = try #require(report.table("units-with-problems"))
        let daHe = try #require(detail.row(org: "520201101"))
        #expect(detail.value(daHe, "problems") == .text("未备案1件；逾期未修订1件"))
        #expect(detail.value(try #require(detail.row(org: "520201102")), "problems") == .text("无预案"))
        #expect(detail.row(org: "520201") == nil, "the county's filed, current plan is no problem")
    }

    @Test("the report of a county has a row per township, and the county's own plans in a 本级 row")
    func countyDrillDown() throws {
        try f.plan("520201101201")
        try f.plan("520201", level: "overall")
        let summary = try #require(try f.report(.coverage, org: "520201").table("summary"))
        #expect(summary.orgs == ["520201011", "520201014", "520201101", "520201102", "520201"])
        #expect(summary.number("covered", org: "520201101") == 1)
        #expect(summary.number("required", org: "520201101") == 3)
        #expect(summary.number("plans", org: "520201") == 1, "the 本级 row")
        #expect(summary.number("plans", org: nil) == 2)
        #expect(summary.number("required", org: nil) == 6)
    }

    @Test("special-plan categories count per county from live special plans anywhere in its subtree")
    func specialCategories() throws {
        try f.plan("520201", level: "special", category: "forest-fire")
        try f.plan("520201101", level: "special", category: "geological-disaster")
        try f.plan("520201102", level: "grassroots", category: "flood-disaster")  // not a special plan
        try f.plan("520203", level: "special", category: "forest-fire", deleted: true)
        let table = try #require(try f.report(.coverage).table("special-categories"))
        #expect(table.orgs == ["520201", "520203", "520204", "520281", "520290"])
        #expect(table.number("covered", org: "520201") == 2)
        #expect(table.number("missing", org: "520201") == 18)
        #expect(table.number("covered", org: "520203") == 0)
        let missing = table.value(try #require(table.row(org: "520201")), "missingCategories")?.text ?? ""
        #expect(!missing.contains("森林火灾") && missing.hasPrefix("气象灾害、洪涝灾害"))
    }

    @Test("a township's report covers that township only")
    func townshipScope() throws {
        try f.plan("520201102")
        let report = try f.report(.coverage, org: "520201101")
        let summary = try #require(report.table("summary"))
        #expect(summary.orgs == ["520201101201", "520201101901", "520201101"], "the township itself in 本级")
        #expect(summary.number("required", org: nil) == 3)
        #expect(summary.number("covered", org: nil) == 0)
        #expect(try #require(report.table("special-categories")).orgs == ["520201101"])
    }

    @Test("an unknown org is refused with its code")
    func unknownOrg() throws {
        #expect(throws: ReportError.unknownOrg("999999")) { try f.report(.coverage, org: "999999") }
        #expect(ReportError.unknownOrg("999999").description.contains("unknown org '999999'"))
    }
}

/// Filing states in the coverage report.
@Suite struct CoverageFilingTests {
    @Test("each plan's filing state is counted per child and listed: not filed, pending, returned, accepted, approved")
    func filingStates() throws {
        let f = try ReportFixture(org: "520201")
        try f.plan("520201101")
        try f.plan("520201101", filedWith: "520201", filedOn: "2026-11-01")
        let returned = try f.plan("520201101", filedWith: "520201", filedOn: "2026-11-02")
        let accepted = try f.plan("520201102", filedWith: "520201", filedOn: "2026-11-03")
        try f.sql("UPDATE plan SET filing_verdict = 'returned' WHERE id = ?", [returned])
        try f.sql("UPDATE plan SET filing_verdict = 'accepted', approved_by = '520201' WHERE id = ?", [accepted])
        let report = try f.report(.coverage, org: "520201")
        let summary = try #require(report.table("summary"))
        #expect(summary.number("pending", org: "520201101") == 1 && summary.number("returned", org: "520201101") == 1)
        #expect(summary.number("accepted", org: "520201102") == 1 && summary.number("approved", org: nil) == 1)
        let plans = try #require(report.table("plans"))
        #expect(plans.rows.count == 4)
        let states = plans.rows.compactMap { plans.value($0, "state")?.text }
        #expect(states.sorted() == ["审查通过", "待审查", "未备案", "退回修改"].sorted())
    }
}
