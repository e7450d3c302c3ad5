import Testing
import TierSyncReports

/// Contacts: two information officers per grass-roots unit, a commander per hazard of each
/// unit's plans, and stale confirmations.
@Suite struct ContactsReportTests {
    let f: ReportFixture
    init() throws {
        f = try ReportFixture()
        try f.org("520201101201", under: "520201101", name: "示例村", level: .village)
    }

    @Test("units with fewer than two live information officers are listed with their count")
    func officers() throws {
        try f.contact("520201101")
        try f.contact("520201101")
        try f.contact("520201102")
        try f.contact("520201102", deleted: true)
        try f.contact("520201102", role: "liaison")
        let report = try f.report(.contacts, org: "520201")
        let summary = try #require(report.table("summary"))
        #expect(summary.number("required", org: nil) == 5)
        #expect(summary.number("officersShort", org: nil) == 4)
        #expect(summary.number("officersShort", org: "520201101") == 1, "大河镇 has two, its village none")
        let short = try #require(report.table("officers-short"))
        #expect(short.orgs == ["520201011", "520201014", "520201101201", "520201102"])
        #expect(short.number("officers", org: "520201102") == 1)
    }

    @Test("each hazard of a unit's live plans needs a commander of that unit for it, or a general one")
    func commanders() throws {
        try f.plan("520201101", category: "geological-disaster")
        try f.plan("520201101", level: "special", category: "forest-fire")
        try f.plan("520201101", category: "flood-disaster", deleted: true)
        try f.contact("520201101", role: "commander", hazard: "geological-disaster")
        try f.contact("520201", role: "commander", hazard: "forest-fire")  // the county's, not the township's
        try f.plan("520201102", category: "mass-incident")
        try f.contact("520201102", role: "commander")  // no hazard: the unit's general commander
        let report = try f.report(.contacts, org: "520201")
        let summary = try #require(report.table("summary"))
        #expect(summary.number("hazards", org: "520201101") == 2)
        #expect(summary.number("hazardsWithoutCommander", org: "520201101") == 1)
        #expect(summary.number("hazardsWithoutCommander", org: "520201102") == 0)
        let missing = try #require(report.table("hazards-without-commander"))
        #expect(missing.rows.count == 1)
        #expect(missing.value(try #require(missing.row(org: "520201101")), "hazard") == .text("森林火灾"))
    }

    @Test("a contact is stale when confirmed more than staleAfterDays before the as-of date, or never")
    func stale() throws {
        // As of 2026-11-29 with 180 days, 2026-06-02 is exactly 180 days before: still fresh.
        try f.contact("520201101", confirmed: "2026-06-02", name: "示例·新")
        try f.contact("520201101", confirmed: "2026-06-01", name: "示例·旧")
        try f.contact("520201102", confirmed: nil, name: "示例·无")
        try f.contact("520201102", confirmed: "2020-01-01", deleted: true)
        let report = try f.report(.contacts, org: "520201")
        #expect(try #require(report.table("summary")).number("stale", org: nil) == 2)
        let stale = try #require(report.table("stale-contacts"))
        #expect(stale.column("name") == [.text("示例·旧"), .text("示例·无")])
        #expect(stale.column("days") == [.number(181), .empty])
        #expect(stale.column("lastConfirmed").last == .text("从未确认"))
        let stricter = try f.report(.contacts, org: "520201", staleAfterDays: 30)
        #expect(try #require(stricter.table("summary")).number("stale", org: nil) == 3)
    }

    @Test("a cut detail table keeps its total row count")
    func detailLimit() throws {
        for _ in 0..<3 { try f.contact("520201101", confirmed: nil) }
        let stale = try #require(try f.report(.contacts, org: "520201", detailLimit: 2).table("stale-contacts"))
        #expect(stale.rows.count == 2 && stale.totalRows == 3)
    }
}
