import Foundation
import Testing
import TierSyncPostgres

/// The consolidated view of a city hub on PostgreSQL in a real browser: the city joins a
/// SQLite province holding the seeded records and copies them from its snapshot, then serves
/// them as `tiersync serve --db postgresql://…`; headless Chromium signs in with an operator
/// credential and reads the overview, a drill-down and a report. Every figure must be the
/// report the city's store gives (`tiersync report --db postgresql://…`) and the one the
/// province gives of the same subtree from SQLite.
@Suite(
    .serialized, .ownThreads,
    .enabled(if: DashboardBrowser.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil))
struct ConsolidatedBrowserTests {
    let scratch: Scratch
    let database: PostgresScratchDatabase
    let province: String
    var city: String { database.address.description }

    init() throws {
        scratch = try Scratch()
        database = try PostgresScratchDatabase()
        province = scratch.path("province.db")
        try DashboardBrowser.seedCity(province, top: "520000")
    }

    /// The city on PostgreSQL, joined under the province and with its snapshot copied.
    func joinCity() throws {
        let parent = try HubProcess(db: province, scratch: scratch)
        defer { parent.stop() }
        try joinNode(city, hub: parent, parentDB: province, org: "520200")
        try expectSuccess("sync", "--db", city)
    }

    @Test("the overview, a drill-down and a report of a city on PostgreSQL show the same figures as SQLite's")
    func overviewMatchesBothStores() throws {
        try joinCity()
        let credential = try DashboardBrowser.operatorCredential(city, name: "示例·赵官")
        let hub = try HubProcess(db: city, scratch: scratch)
        defer { hub.stop() }
        let pages = try DashboardBrowser.load(
            hub.url, credential: credential, ["/", "follow-child", "/orgs/520201/coverage"],
            screenshot: scratch.path("city.png"))
        try #require(pages.count == 3)
        let overview = pages[0]
        #expect(overview["status"]?.number == 200 && overview["path"]?.string == "/orgs/520200", "\(overview)")
        try DashboardBrowser.expectFigures(overview, match: city, org: "520200")
        try DashboardBrowser.expectFigures(overview, match: province, org: "520200")
        #expect(overview["figures"]?["drills"]?.string == "5", "the seeded drills all arrived")
        let coverage = try DashboardBrowser.summary(province, "coverage", org: "520200")
        #expect(overview["children"]?.array?.count == coverage.count, "a row per county, and the total")

        let county = pages[1]
        #expect(county["status"]?.number == 200 && county["path"]?.string == "/orgs/520201")
        try DashboardBrowser.expectFigures(county, match: province, org: "520201")
        #expect(pages[2]["status"]?.number == 200)
        #expect(pages[2]["csvLinks"]?.array?.first?.string?.hasPrefix("/v1/reports/coverage?org=520201") == true)
    }

    @Test(
        "a county operator is kept to the county; the session is a cookie, its CSV link works, sign-out needs the form's token"
    )
    func sessionAndScope() throws {
        try joinCity()
        let credential = try DashboardBrowser.operatorCredential(city, name: "示例·钱官", org: "520203")
        let hub = try HubProcess(db: city, scratch: scratch)
        defer { hub.stop() }
        let pages = try DashboardBrowser.load(hub.url, credential: credential, ["/orgs/520200", "/"])
        try #require(pages.count == 2)
        #expect(pages[0]["status"]?.number == 403 && pages[0]["figures"]?["coverage"] == nil)
        #expect(pages[1]["path"]?.string == "/orgs/520203" && pages[1]["status"]?.number == 200)
        try DashboardBrowser.expectFigures(pages[1], match: province, org: "520203")

        // The same by hand: the sign-in sets only a session id, which the CSV link takes.
        let signIn = try curl(hub.url + "/login", "-i", "--data-urlencode", "password=\(credential)")
        #expect(signIn.contains("303") && !signIn.contains(credential), "\(signIn)")
        let session = try #require(
            signIn.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("set-cookie:") }
                .flatMap { $0.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last }.map(String.init))
        let cookie = "tiersync_session=\(session)"
        let csv = try curl(hub.url + "/v1/reports/contacts?format=csv&table=summary", "-b", cookie)
        #expect(csv.hasPrefix("\u{FEFF}代码,单位") && csv.contains("520203"), "\(csv)")
        #expect(
            try curl(hub.url + "/logout", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-b", cookie) == "403")
        let page = try curl(hub.url + "/orgs/520203", "-b", cookie)
        let token = try #require(
            page.range(of: #"name="csrf" value=""#).map { String(page[$0.upperBound...].prefix { $0 != "\"" }) })
        let out = try curl(hub.url + "/logout", "-i", "-b", cookie, "--data-urlencode", "csrf=\(token)")
        #expect(out.contains("303") && out.lowercased().contains("location: /login"), "\(out)")
        let after = try curl(hub.url + "/orgs/520203", "-i", "-b", cookie)
        #expect(after.lowercased().contains("location: /login?expired=1"), "the ended session is refused: \(after)")
    }

    @Test("a wrong credential, an unknown login or a wrong password is refused in Chinese")
    func refusedSignIn() throws {
        _ = try initNode(city, org: "520200")
        try WorkbenchBrowserTests.addUser(city, "zhou", role: "reviewer")
        let hub = try HubProcess(db: city, scratch: scratch)
        defer { hub.stop() }
        for (login, password) in [("", "op-00000000.wrong"), ("", "secret123"), ("zhou", "not-her-password")] {
            let answer = try curl(
                hub.url + "/login", "-i", "--data-urlencode", "login=\(login)", "--data-urlencode",
                "password=\(password)")
            #expect(answer.hasPrefix("HTTP/1.1 401") && answer.contains("登录名或密码不正确"), "\(answer)")
            #expect(!answer.lowercased().contains("set-cookie"))
        }
    }

    @Test(
        "an officer with an account on the city on PostgreSQL (`tiersync user add`) signs in with a password, works and reads her county; disabled, her session ends"
    )
    func personSignsIn() throws {
        try joinCity()
        try WorkbenchBrowserTests.addUser(city, "qian", role: "reviewer", org: "520203")
        let listed = try JSONValue.decode(try expectSuccess("user", "list", "--db", city, "--json").stdout)
        #expect(listed.array?.map { $0["login"]?.string } == ["qian"], "\(listed)")
        #expect(listed.array?.first?["org"]?.string == "520203")
        let hub = try HubProcess(db: city, scratch: scratch)
        defer { hub.stop() }
        let pages = try DashboardBrowser.load(
            hub.url, login: "qian", credential: WorkbenchBrowserTests.password, ["/", "/orgs/520203", "/orgs/520200"])
        try #require(pages.count == 3)
        // A person's home is the workbench (录入), an operator's the overview.
        #expect(pages[0]["path"]?.string == "/records" && pages[0]["status"]?.number == 200, "\(pages[0])")
        #expect(pages[0]["text"]?.string?.contains("示例·qian（审核员）") == true, "\(pages[0])")
        #expect(pages[1]["path"]?.string == "/orgs/520203" && pages[1]["status"]?.number == 200)
        try DashboardBrowser.expectFigures(pages[1], match: province, org: "520203")
        #expect(pages[2]["status"]?.number == 403, "her account is kept to her county")

        let signIn = try curl(
            hub.url + "/login", "-i", "--data-urlencode", "login=qian",
            "--data-urlencode", "password=\(WorkbenchBrowserTests.password)")
        let cookie = try #require(
            signIn.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("set-cookie:") }
                .flatMap { $0.split(separator: ";").first?.split(separator: " ").last }.map(String.init),
            "\(signIn)")
        #expect(try curl(hub.url + "/orgs/520203", "-o", "/dev/null", "-w", "%{http_code}", "-b", cookie) == "200")
        try expectSuccess("user", "disable", "--db", city, "qian")
        let after = try curl(hub.url + "/orgs/520203", "-i", "-b", cookie)
        #expect(
            after.lowercased().contains("location: /login?expired=1"), "the disabled account's session ends: \(after)")
        let again = try curl(
            hub.url + "/login", "-i", "--data-urlencode", "login=qian",
            "--data-urlencode", "password=\(WorkbenchBrowserTests.password)")
        #expect(again.hasPrefix("HTTP/1.1 401") && !again.lowercased().contains("set-cookie"), "\(again)")
    }

    func curl(_ url: String, _ arguments: String...) throws -> String {
        let result = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/curl"), ["-s"] + arguments + [url], timeout: 30)
        try #require(result.succeeded, "\(result.summary)")
        return result.stdout
    }
}
