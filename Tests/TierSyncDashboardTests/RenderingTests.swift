import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncReports
import TierSyncStore

@testable import TierSyncDashboard

/// The HTML pages: every value escaped, the charts drawn as SVG, no script anywhere.
@Suite struct RenderingTests {
    @Test("text from records is HTML-escaped in tables and charts")
    func escapesEverything() throws {
        let hostile = "<script>alert('x')</script>&\""
        var table = ReportTable(key: "summary", title: "汇总", columns: [.text("name", "单位"), .number("n", "数")])
        table.rows = [.init(org: "520201", [.text(hostile), 3]), .init(org: "520200", isTotal: true, ["合计", 3])]
        let fixture = try DashboardFixture()
        let report = Report(
            kind: .coverage, org: try fixture.report(.coverage, org: "520200").org,
            asOf: CivilDate(parsing: "2026-11-29")!, notes: [hostile], tables: [table])
        let html = DashboardRenderer.render(
            ReportPage(
                report,
                org: .init(
                    OrgUnit(code: "520200", parent: nil, name: hostile, level: .city, path: "520200", sample: true)),
                breadcrumbs: []),
            operator: hostile)
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
        let chart = BarChart(key: "k", title: hostile, items: [(hostile, 1, "1")])
        let svg = DashboardTemplates.library.render(chart, withTemplate: "chart") ?? ""
        #expect(!svg.contains("<script") && svg.contains("<svg"))
    }

    @Test("the sign-in page shows the error, keeps the login and posts login and password to /login")
    func loginPage() {
        let html = DashboardRenderer.render(LoginPage(error: "凭据无效", login: "wang"))
        #expect(html.contains(#"<form method="post" action="/login">"#))
        #expect(html.contains(#"name="login" type="text" autocomplete="username" value="wang""#))
        #expect(html.contains(#"name="password" type="password""#))
        #expect(html.contains("凭据无效"))
        #expect(!DashboardRenderer.render(LoginPage()).contains(#"class="error""#))
    }

    @Test("the overview renders its figures, its charts as SVG and the drill-down links")
    func overviewPage() throws {
        let fixture = try DashboardFixture()
        let page = try fixture.overview("520200")
        let html = DashboardRenderer.render(page, operator: "示例·赵官")
        #expect(html.contains(#"data-figure="drills"><span class="value">2</span>"#))
        #expect(html.components(separatedBy: "<svg").count - 1 == page.charts.filter { !$0.isEmpty }.count)
        #expect(html.contains(#"<a href="/orgs/520201">钟山区</a>"#))
        #expect(html.contains("示例·赵官") && !html.contains("<script"))
    }

    @Test("an operator's overview names files and conflicts without links to the pages only staff may open")
    func operatorsOverviewLinks() throws {
        let fixture = try DashboardFixture()
        let city = try fixture.unit("520200")
        var data = try DashboardData.load(hub: fixture.node, org: city, scope: city, options: DashboardFixture.options)
        data.attachments = [
            try JSONDecoder().decode(
                TierSyncDomain.Attachment.self,
                from: Data(
                    #"{"id":"a1","kind":"plan","record":"r1","org":"520201","name":"预案.pdf","type":"application/pdf","size":2048,"sha256":"00","here":true,"sentUp":false}"#
                        .utf8))
        ]
        let staff = DashboardRenderer.render(OverviewPage(data), operator: "示例·赵官")
        #expect(staff.contains(#"href="/attachments/a1""#) && staff.contains(#"href="/records/plan/r1""#))
        #expect(staff.contains(#"<a href="/conflicts">"#))
        let reader = DashboardRenderer.render(OverviewPage(data, staffLinks: false), operator: "示例·赵官")
        #expect(reader.contains("预案.pdf"))
        #expect(
            !reader.contains("/attachments/") && !reader.contains("/records/")
                && !reader.contains(#"href="/conflicts""#))
    }

    @Test("a bar is as long as its share of the largest value, or of the given maximum")
    func barGeometry() {
        let chart = BarChart(key: "k", title: "t", items: [("a", 10, "10"), ("b", 5, "5"), ("c", 0, "0")])
        #expect(chart.bars.map(\.barWidth) == [BarChart.barArea, BarChart.barArea / 2, 0])
        let percent = BarChart(key: "p", title: "t", items: [("a", 50, "50")], maximum: 100)
        #expect(percent.bars[0].barWidth == BarChart.barArea / 2)
        #expect(BarChart(key: "e", title: "t", items: []).isEmpty)
    }
}
