import Foundation
import Testing
import TierSyncDomain
import TierSyncReports
import TierSyncStore

@testable import TierSyncDashboard

/// The overview shows the cells of the report tables, never figures of its own.
@Suite struct OverviewPageTests {
    let fixture: DashboardFixture
    init() throws { fixture = try DashboardFixture() }

    @Test("each headline figure is the total row of its report's summary")
    func figuresAreReportTotals() throws {
        let page = try fixture.overview("520200")
        let expected: [(String, ReportKind, String)] = [
            ("coverage", .coverage, "coverage"), ("missing-plans", .coverage, "missing"),
            ("officers-short", .contacts, "officersShort"), ("drills", .drills, "drills"),
            ("participants", .drills, "participants"), ("on-time-rate", .timeliness, "onTimeRate"),
            ("reports-missing", .timeliness, "missing"), ("items", .reserves, "items"),
            ("overdue-tasks", .tasks, "overdue"),
        ]
        for (figure, kind, column) in expected {
            let summary = try #require(try fixture.report(kind, org: "520200").table("summary"))
            let total = try #require(summary.total)
            #expect(page.figures.first { $0.key == figure }?.value == summary.value(total, column)?.text, "\(figure)")
        }
        #expect(page.figures.first { $0.key == "drills" }?.value == "2")
        #expect(page.figures.first { $0.key == "participants" }?.value == "150")
        #expect(page.figures.first { $0.key == "overdue-tasks" }?.value == "1")
    }

    @Test("the per-child charts draw the summary column of each direct child")
    func chartsAreSummaryColumns() throws {
        let page = try fixture.overview("520200")
        let coverage = try #require(try fixture.report(.coverage, org: "520200").table("summary"))
        let chart = try #require(page.charts.first { $0.key == "coverage" })
        let children = coverage.rows.filter { !$0.isTotal }
        #expect(chart.bars.map(\.label) == children.map { coverage.value($0, "name")!.text })
        #expect(chart.bars.map(\.valueText) == children.map { coverage.value($0, "coverage")!.text })
        // 钟山区: two of its four townships have a plan.
        #expect(chart.bars.first?.label == "钟山区" && chart.bars.first?.value == 50)
        let months = try #require(page.charts.first { $0.key == "drills-by-month" })
        #expect(months.bars.map(\.value).reduce(0, +) == 2)
        #expect(months.bars.first { $0.label == "2026-06" }?.value == 1)
        let reserves = try #require(page.charts.first { $0.key == "reserves" })
        #expect(reserves.bars.map(\.label) == ["生活保障类·帐篷"] && reserves.bars.first?.valueText == "40顶")
    }

    @Test("the children table links each direct child to its page and ends with the total")
    func drillDown() throws {
        let page = try fixture.overview("520200")
        let links = page.children.rows.compactMap { $0.cells.first?.href }
        #expect(links == ["/orgs/520201", "/orgs/520203", "/orgs/520204", "/orgs/520281", "/orgs/520290"])
        #expect(page.children.rows.last?.isTotal == true && page.children.rows.last?.cells.first?.text == "合计")
        let county = try fixture.overview("520201")
        #expect(county.children.rows.first?.cells.first?.href == "/orgs/520201011")
        #expect(county.breadcrumbs.map(\.code) == ["520200", "520201"])
    }

    @Test("breadcrumbs start at the operator's scope, never above it")
    func breadcrumbsStopAtScope() throws {
        let page = try fixture.overview("520201101", scope: "520201")
        #expect(page.breadcrumbs.map(\.name) == ["钟山区", "大河镇"])
    }

    @Test("the report page links every table to its CSV download")
    func reportPageCSVLinks() throws {
        let report = try fixture.report(.contacts, org: "520201")
        let page = ReportPage(report, org: .init(try fixture.unit("520201")), breadcrumbs: [])
        #expect(page.tables.map(\.key) == report.tables.map(\.key))
        #expect(
            page.tables.first?.csvHref == "/v1/reports/contacts?org=520201&format=csv&table=summary&as-of=2026-11-29")
        let summary = try #require(page.tables.first)
        #expect(summary.rows.first?.cells.first { $0.href != nil }?.href == "/orgs/520201011/contacts")
        let strict = ReportPage(report, org: .init(try fixture.unit("520201")), breadcrumbs: [], staleAfterDays: 90)
        #expect(
            strict.tables.first?.csvHref?.hasSuffix("&as-of=2026-11-29&stale-days=90") == true, "the table on screen")
    }
}

/// Sync health: one row per enrolled child node of the subtree.
@Suite struct SyncHealthTests {
    @Test("a child node's row shows its last contact, log received, open conflicts and revocation")
    func syncRows() throws {
        let fixture = try DashboardFixture()
        let active = TierSyncNode.ChildHealth(
            node: "00000000000000bb", org: "520201", orgName: "钟山区", enrolledAt: "2026-11-01T08:00:00Z",
            lastContact: "2026-11-29T01:59:00Z", revokedAt: nil, receivedFromChild: 42, pulledByChild: 40,
            waitingForChild: 7, openConflicts: 2)
        let revoked = TierSyncNode.ChildHealth(
            node: "00000000000000aa", org: "520203", orgName: "六枝特区", enrolledAt: "2026-11-01T08:00:00Z",
            lastContact: nil, revokedAt: "2026-11-20T08:00:00Z", receivedFromChild: 0, pulledByChild: 0,
            waitingForChild: 0, openConflicts: 0)
        // Sync rows need no report: the page is built around an org with none.
        let city = try fixture.unit("520200")
        let data = DashboardData(
            org: city, trail: [city], reports: [:], children: [active, revoked], conflicts: [], names: [:])
        let rows = OverviewPage(data).syncHealth
        #expect(rows.map(\.href) == ["/orgs/520201", "/orgs/520203"])
        #expect(
            rows[0].lastContact == "2026-11-29T01:59:00Z" && rows[0].receivedSeq == "42" && rows[0].waiting == "7"
                && rows[0].openConflicts == "2"
        )
        #expect(rows[0].revoked == nil)
        #expect(rows[1].lastContact == "从未联系" && rows[1].revoked?.hasPrefix("已吊销") == true)
        let html = DashboardRenderer.render(OverviewPage(data), operator: nil)
        #expect(html.contains(#"<td class="num" data-key="received">42</td><td class="num" data-key="waiting">7</td>"#))
    }
}
