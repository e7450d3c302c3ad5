import Foundation
import Testing

/// Headless Chromium for the dashboard tests: seeding a city, running the DevTools driver
/// script, and reading the rollups the pages must show.
enum DashboardBrowser {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Browser/dashboard_page.py").standardizedFileURL.path

    static let chromium = ["/usr/bin/chromium", "/usr/local/bin/chromium"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// True when Chromium and the Python websocket module are installed.
    static let isAvailable: Bool = {
        guard chromium != nil else { return false }
        let probe = try? Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import websocket"], timeout: 30)
        return probe?.succeeded ?? false
    }()

    /// Opens `steps` (paths, or `follow-child`) signed in with the operator `credential` (or as
    /// the person `login`, `credential` being their password); one JSON object per
    /// step, as `dashboard_page.py` describes.
    static func load(
        _ base: String, login: String? = nil, credential: String, _ steps: [String], screenshot: String? = nil
    ) throws -> [JSONValue] {
        let arguments =
            [script, "--base", base, "--credential", credential] + (login.map { ["--login", $0] } ?? [])
            + (screenshot.map { ["--screenshot", $0] } ?? [])
            + steps
        let result = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, timeout: 120)
        try #require(result.succeeded, "\(result.summary)")
        return try #require(try JSONValue.decode(result.stdout).array)
    }

    /// A new operator's credential.
    static func operatorCredential(_ db: String, name: String, org: String? = nil) throws -> String {
        let result = try expectSuccess(
            ["operator", "add", "--db", db, "--name", name, "--json"] + (org.map { ["--org", $0] } ?? []))
        return try #require(try JSONValue.decode(result.stdout)["credential"]?.string)
    }

    /// The summary rows of `tiersync report KIND --org ORG --format json`.
    static func summary(_ db: String, _ kind: String, org: String) throws -> [JSONValue] {
        let report = try JSONValue.decode(
            try expectSuccess("report", kind, "--db", db, "--org", org, "--format", "json").stdout)
        let table = report["tables"]?.array?.first { $0["key"]?.string == "summary" }
        return try #require(table?["rows"]?.array)
    }

    /// A JSON cell as the dashboard prints it (integers without a decimal point).
    static func text(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        if let number = value.number {
            if number == number.rounded() { return String(Int(number)) }
            var text = String(format: "%.6f", number)
            while text.hasSuffix("0") { text.removeLast() }
            return text
        }
        return value.string ?? ""
    }

    /// The page's headline figures are the total rows of the reports of `org`.
    static func expectFigures(_ page: JSONValue, match db: String, org: String) throws {
        let expected: [(figure: String, report: String, column: String)] = [
            ("coverage", "coverage", "coverage"), ("missing-plans", "coverage", "missing"),
            ("officers-short", "contacts", "officersShort"), ("drills", "drills", "drills"),
            ("participants", "drills", "participants"), ("on-time-rate", "timeliness", "onTimeRate"),
            ("reports-missing", "timeliness", "missing"), ("items", "reserves", "items"),
            ("overdue-tasks", "tasks", "overdue"),
        ]
        for item in expected {
            let total = try summary(db, item.report, org: org).last
            #expect(
                page["figures"]?[item.figure]?.string == text(total?["values"]?[item.column]),
                "\(item.figure) of \(org)")
        }
    }

    /// A city hub database with records in three counties: plans (some filed), information
    /// officers, drills, progress reports, reserves and tasks, entered with the CLI. With
    /// `top`, the node is that unit above the city (the province), holding the same records.
    static func seedCity(_ db: String, top: String = "520200") throws {
        try expectSuccess("init", "--db", db, "--org", top)
        func add(_ kind: String, _ org: String, _ fields: String...) throws {
            try expectSuccess([kind, "add", "--db", db, "--org", org] + fields)
        }
        let plans = ["520201101", "520201102", "520201011", "520203102", "520203110", "520204101", "520281001"]
        for (index, org) in plans.enumerated() {
            try add(
                "plan", org, "--title", "示例乡镇应急预案\(index)", "--level", "grassroots", "--status", "published",
                "--filed-with", String(org.prefix(6)), "--filed-on", "2026-03-1\(index)")
        }
        try add("plan", "520201", "--title", "地质灾害专项应急预案", "--level", "special", "--category", "地质灾害")
        for (index, org) in ["520201101", "520201101", "520201102", "520203102", "520203102", "520204101"].enumerated()
        {
            try add("contact", org, "--role", "信息员", "--name", "示例·信息员\(index)", "--phone", "1390000000\(index)")
        }
        let drills = [
            ("520201101", "2026-06-18", "120"), ("520201102", "2026-07-02", "45"), ("520203102", "2026-09-12", "60"),
            ("520204101", "2026-10-20", "80"), ("520201101", "2026-11-05", "35"),
        ]
        for (org, date, people) in drills {
            try add("drill", org, "--title", "示例演练", "--kind", "实战演练", "--date", date, "--participants", people)
        }
        for (org, period, at) in [
            ("520201101", "2026-10-H2", "2026-10-30 16:00"), ("520201101", "2026-11-H1", "2026-11-14 17:30"),
            ("520201102", "2026-11-H1", "2026-11-16 09:00"), ("520203102", "2026-11-H1", "2026-11-15 11:00"),
        ] {
            try add("report", org, "--period", period, "--text", "完成隐患排查", "--submitted-at", at)
        }
        for (org, item, category, unit, quantity) in [
            ("520201101", "帐篷", "生活保障类", "顶", "40"), ("520203102", "帐篷", "生活保障类", "顶", "25"),
            ("520201", "冲锋舟", "抢险救援装备", "艘", "6"), ("520204101", "棉被", "生活保障类", "床", "300"),
        ] {
            try expectSuccess(
                "stock", "receive", "--db", db, "--org", org, "--item", item, "--category", category, "--unit", unit,
                "--site", "应急物资库", "--quantity", quantity, "--source", "allocation")
        }
        // Tasks to close out: two past their deadline, one closed late, one not yet due.
        for (org, title, deadline) in [
            ("520201101", "完成镇应急物资库改造", "2026-10-31"), ("520203102", "更新网格员名册", "2026-11-15"),
            ("520204101", "修订森林防火预案", "2026-12-31"),
        ] {
            try add("task", org, "--title", title, "--deadline", deadline)
        }
        try add(
            "task", "520201102", "--title", "配齐信息员", "--deadline", "2026-09-30", "--status", "closed", "--closed-on",
            "2026-10-08")
    }
}
