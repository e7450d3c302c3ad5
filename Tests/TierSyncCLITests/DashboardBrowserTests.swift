import Foundation
import Testing

/// The dashboard in a real browser: a seeded city hub runs as `tiersync serve`, headless
/// Chromium loads its pages (driven over the DevTools protocol by `Tests/Browser/
/// dashboard_page.py`, signed in through the form with an operator credential), and what the rendered pages show
/// is checked against `tiersync report --format json` on the same database.
///
/// Needs Debian's `chromium` and Python's `websocket-client` (`.ci/run` installs both); on a
/// machine without them it is skipped, except in CI, where it must run.
@Suite(.ownThreads, .enabled(if: DashboardBrowser.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil))
struct DashboardBrowserTests {
    let scratch: Scratch
    let db: String

    init() throws {
        scratch = try Scratch()
        db = scratch.path("city.db")
        try DashboardBrowser.seedCity(db)
    }

    @Test("the overview shows the rollups' figures, and its children links drill down to the counties")
    func overviewAndDrillDown() throws {
        let credential = try DashboardBrowser.operatorCredential(db, name: "示例·赵官")
        let hub = try HubProcess(db: db, scratch: scratch)
        defer { hub.stop() }
        let screenshot = scratch.path("dashboard.png")
        let pages = try DashboardBrowser.load(
            hub.url, credential: credential, ["/", "follow-child", "/orgs/520201/coverage"], screenshot: screenshot)
        try #require(pages.count == 3)

        let city = pages[0]
        #expect(city["status"]?.number == 200 && city["path"]?.string == "/orgs/520200", "/ redirects to the scope")
        try DashboardBrowser.expectFigures(city, match: db, org: "520200")
        let children = try #require(city["children"]?.array)
        let coverage = try DashboardBrowser.summary(db, "coverage", org: "520200")
        #expect(children.count == coverage.count, "a row per child, and the total")
        for (shown, row) in zip(children, coverage) {
            #expect(shown["org"]?.string == row["org"]?.string)
            #expect(
                shown["cells"]?["coverage"]?.string == DashboardBrowser.text(row["values"]?["coverage"]),
                "coverage of \(row["org"]?.string ?? "")")
        }
        #expect(children.first?["href"]?.string == "/orgs/520201")
        let bars = try #require(city["charts"]?["coverage"]?.array)
        #expect(
            bars.map { $0["value"]?.string }
                == coverage.dropLast().map { DashboardBrowser.text($0["values"]?["coverage"]) })

        let county = pages[1]
        #expect(county["status"]?.number == 200 && county["path"]?.string == "/orgs/520201", "the first child's link")
        #expect(county["heading"]?.string?.hasPrefix("钟山区") == true)
        #expect(county["crumbs"]?.array?.map(\.string) == ["/orgs/520200", "/orgs/520201"])
        try DashboardBrowser.expectFigures(county, match: db, org: "520201")
        #expect(county["children"]?.array?.first?["href"]?.string == "/orgs/520201011", "on to the townships")

        let report = pages[2]
        #expect(report["status"]?.number == 200)
        #expect(
            report["csvLinks"]?.array?.first?.string?.hasPrefix(
                "/v1/reports/coverage?org=520201&format=csv&table=summary")
                == true)

        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
        // `TIERSYNC_SCREENSHOT=docs/dashboard.png swift test --filter DashboardBrowser` renews the README's picture.
        if let keep = ProcessInfo.processInfo.environment["TIERSYNC_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
        }
    }

    @Test("an operator of a county gets 403 for the city page and sees only their county; an unknown org is 404")
    func countyOperatorIsScoped() throws {
        let credential = try DashboardBrowser.operatorCredential(db, name: "示例·钱官", org: "520203")
        let hub = try HubProcess(db: db, scratch: scratch)
        defer { hub.stop() }
        let pages = try DashboardBrowser.load(
            hub.url, credential: credential, ["/orgs/520200", "/", "/orgs/520201101", "/orgs/529999"])
        try #require(pages.count == 4)
        #expect(pages[0]["status"]?.number == 403)
        #expect(pages[0]["text"]?.string?.contains("无权查看") == true)
        #expect(pages[0]["figures"]?["coverage"] == nil, "no figure of the city leaks")
        #expect(pages[1]["path"]?.string == "/orgs/520203" && pages[1]["status"]?.number == 200)
        #expect(pages[1]["crumbs"]?.array?.map(\.string) == ["/orgs/520203"], "no way up past the scope")
        try DashboardBrowser.expectFigures(pages[1], match: db, org: "520203")
        #expect(pages[2]["status"]?.number == 403, "a township of another county")
        #expect(pages[3]["status"]?.number == 404 && pages[3]["text"]?.string?.contains("未找到") == true)
    }

    @Test("a joined county shows in sync health, and a conflict its push caused in the open-conflict list")
    func syncHealthAndConflicts() throws {
        let credential = try DashboardBrowser.operatorCredential(db, name: "示例·孙官")
        let added = try expectSuccess(
            "contact", "add", "--db", db, "--org", "520201", "--role", "liaison", "--name", "示例·周联络",
            "--phone", "13900000031", "--json")
        let id = try #require(JSONValue.decode(added.stdout)["id"]?.string)
        let hub = try HubProcess(db: db, scratch: scratch)
        defer { hub.stop() }
        let county = scratch.path("county.db")
        try joinNode(county, hub: hub, parentDB: db, org: "520201")
        // The same phone changed at the county and at the city before they sync: a conflict.
        try expectSuccess("contact", "set", "--db", county, id, "phone=13900000032")
        try expectSuccess("contact", "set", "--db", db, id, "phone=13900000033")
        try expectSuccess("sync", "--db", county)

        let pages = try DashboardBrowser.load(hub.url, credential: credential, ["/orgs/520200"])
        let page = try #require(pages.first)
        let health = try JSONValue.decode(try expectSuccess("nodes", "--db", db, "--json").stdout)
        let sync = try #require(page["sync"]?.array)
        #expect(sync.count == 1 && sync.first?["org"]?.string == "520201", "\(sync)")
        #expect(sync.first?["cells"]?["lastContact"]?.string == health.array?.first?["lastContact"]?.string)
        #expect(
            sync.first?["cells"]?["waiting"]?.string
                == health.array?.first?["waitingForChild"]?.number.map { String(Int($0)) })
        #expect(sync.first?["cells"]?["conflicts"]?.string == "1")
        let conflicts = try #require(page["conflicts"]?.array)
        #expect(conflicts.count == 1, "\(conflicts)")
        let row = conflicts.first?.array?.compactMap(\.string).joined(separator: " ") ?? ""
        #expect(row.contains("13900000032") && row.contains("13900000033"), "\(row)")
    }

    @Test("without a sign-in the browser lands on the sign-in form")
    func signInRequired() throws {
        let hub = try HubProcess(db: db, scratch: scratch)
        defer { hub.stop() }
        let pages = try DashboardBrowser.load(hub.url, credential: "op-00000000.wrong", ["/orgs/520200"])
        #expect(pages.first?["path"]?.string == "/login")
        #expect(pages.first?["text"]?.string?.contains("操作员凭据") == true)
    }
}
