import Foundation
import Testing

/// The procedures in headless Chromium, on a township's site joined to its county's: a clerk
/// imports the office's Excel list, the county approves the township's report with its
/// button, an edit made offline meanwhile shows as a pending amendment, and the county's
/// rejection reaches the township.
@Suite(.serialized, .ownThreads) struct ProceduresBrowserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/spreadsheets").standardizedFileURL

    @Test(
        "import a spreadsheet, approve a report, see the offline edit as an amendment and its rejection, in the browser",
        .enabled(if: DashboardBrowser.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil))
    func procedures() throws {
        let scratch = try Scratch()
        let county = scratch.path("county.db"), town = scratch.path("town.db")
        try expectSuccess("init", "--db", county, "--org", "520201")
        try WorkbenchBrowserTests.addUser(county, "zhao", role: "reviewer")
        let countyHub = try HubProcess(db: county, scratch: scratch)
        defer { countyHub.stop() }
        try joinNode(town, hub: countyHub, parentDB: county, org: "520201101")
        try WorkbenchBrowserTests.addUser(town, "wang", role: "admin")
        let townSite = try HubProcess(db: town, scratch: scratch, syncInterval: 600)
        defer { townSite.stop() }
        func value(_ results: [JSONValue], _ name: String) -> String? {
            results.first { $0["name"]?.string == name }?["value"]?.string
        }

        // The clerk previews the LibreOffice-made list, then imports it.
        let imported = try WorkbenchBrowserTests.drive(
            townSite.url,
            WorkbenchBrowserTests.signIn("wang") + [
                ["open": "/import"],
                ["fill": ["#kind": "contact"]],
                ["upload": ["#file": Self.fixtures.appendingPathComponent("contacts-good.xlsx").path]],
                ["click": "form.form button[type=submit]"],
                ["name": "preview", "read": "document.querySelector('[data-summary]').textContent"],
                ["fill": ["#kind": "contact"]],
                ["read": "document.querySelector('input[name=mode][value=import]').checked = true"],
                ["upload": ["#file": Self.fixtures.appendingPathComponent("contacts-bad.xlsx").path]],
                ["click": "form.form button[type=submit]"],
                ["name": "refused", "read": "document.querySelector('[data-table=refused]').innerText"],
            ] + WorkbenchBrowserTests.shot("workbench-import"), scratch)
        #expect(value(imported, "preview")?.contains("新增 4 条") == true, "\(imported)")
        #expect(value(imported, "refused")?.contains("厨师") == true)
        #expect(try expectSuccess("contact", "list", "--db", town, "--json").stdout.contains("示例·赵一") == false)

        // The township reports; the county approves it on its page; the township had edited it
        // offline meanwhile.
        let report = try expectSuccess(
            "report", "add", "--db", town, "--period", "2026-11-H2", "--body", "本期完成隐患排查12处"
        ).output
        try expectSuccess("sync", "--db", town)
        let approved = try WorkbenchBrowserTests.drive(
            countyHub.url,
            WorkbenchBrowserTests.signIn("zhao") + [
                ["open": "/records/report/\(report)"],
                ["fill": ["#approve-note": "同意"]], ["click": "button[data-action=approve]"],
                ["name": "approval", "read": "document.querySelector('[data-approval]').textContent"],
            ], scratch)
        #expect(value(approved, "approval")?.contains("审核通过：同意") == true, "\(approved)")
        try expectSuccess("report", "set", "--db", town, report, "body=离线补充：另有3处")
        try expectSuccess("sync", "--db", town)
        let locked = try WorkbenchBrowserTests.drive(
            townSite.url,
            WorkbenchBrowserTests.signIn("wang") + [
                ["open": "/records/report/\(report)"],
                ["name": "locked", "read": "!!document.querySelector('[data-locked]') + ''"],
                ["name": "amendment", "read": "document.querySelector('[data-table=amendments]').innerText"],
                ["name": "noSave", "read": "!document.querySelector('form.form .actions') + ''"],
            ] + WorkbenchBrowserTests.shot("workbench-amendment"), scratch)
        #expect(value(locked, "locked") == "true" && value(locked, "noSave") == "true", "\(locked)")
        #expect(value(locked, "amendment")?.contains("离线补充：另有3处") == true)

        // The county rejects it with a reason; the township sees the outcome.
        let rejected = try WorkbenchBrowserTests.drive(
            countyHub.url,
            WorkbenchBrowserTests.signIn("zhao") + [
                ["open": "/review"],
                ["name": "review", "read": "document.querySelector('[data-table=amendments]').innerText"],
                ["open": "/records/report/\(report)"],
                ["fill": ["input[name=reason]": "与台账不符"]], ["click": "button[name=decision][value=reject]"],
            ], scratch)
        #expect(value(rejected, "review")?.contains("待审核") == true, "\(rejected)")
        try expectSuccess("sync", "--db", town)
        let outcome = try WorkbenchBrowserTests.drive(
            townSite.url,
            WorkbenchBrowserTests.signIn("wang") + [
                ["open": "/review"],
                ["name": "outcome", "read": "document.querySelector('[data-table=amendments]').innerText"],
            ], scratch)
        #expect(
            value(outcome, "outcome")?.contains("已驳回") == true && value(outcome, "outcome")?.contains("与台账不符") == true)
    }
}
