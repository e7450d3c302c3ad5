import Foundation
import Testing

/// A clerk attaches a plan's document on the plan's page in headless Chromium, downloads it
/// back (hashed in the page: the same bytes), and removes it; the file goes up with the next
/// sync, and a county officer downloads it from the county's dashboard.
/// `TIERSYNC_SCREENSHOTS=DIR` saves the page.
@Suite(.serialized, .ownThreads) struct AttachmentBrowserTests {
    @Test(
        "a plan's document uploaded on its page downloads byte for byte, syncs to the county, and is removed",
        .enabled(if: DashboardBrowser.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil))
    func uploadDownloadRemove() throws {
        let scratch = try Scratch()
        let county = scratch.path("county.db"), town = scratch.path("town.db")
        try expectSuccess("init", "--db", county, "--org", "520201")
        let countyHub = try HubProcess(db: county, scratch: scratch)
        defer { countyHub.stop() }
        let code = try enrollmentCode(county, org: "520201101")
        try expectSuccess("join", "--db", town, "--parent", countyHub.url, "--code", code)
        try WorkbenchBrowserTests.addUser(town, "wang", role: "admin")
        let plan = try expectSuccess(
            "plan", "add", "--db", town, "--title", "示例·大河镇防汛应急预案", "--level", "grassroots", "--status", "published"
        ).output
        let document = scratch.path("大河镇防汛应急预案.pdf")
        var bytes = [UInt8](repeating: 0, count: 2_500_000)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        FileManager.default.createFile(atPath: document, contents: Data(bytes))
        let sha256 = try #require(
            try Subprocess.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [document]).stdout.split(separator: " ")
                .first)
        let site = try HubProcess(db: town, scratch: scratch, syncInterval: 600)
        defer { site.stop() }

        let hashDownload = """
            fetch(document.querySelector('[data-download]').href).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b)).then(d => Array.from(new Uint8Array(d)).map(x => x.toString(16).padStart(2, '0')).join(''))
            """
        let results = try WorkbenchBrowserTests.drive(
            site.url,
            WorkbenchBrowserTests.signIn("wang") + [
                ["open": "/records/plan/\(plan)"],
                ["name": "before", "read": "document.querySelector('[data-panel=attachments]').innerText"],
                ["upload": ["[data-panel=attachments] input[type=file]": document]],
                ["name": "upload", "click": "[data-action=attach]"],
                ["name": "notice", "read": "document.querySelector('[data-notice=attachments]').textContent"],
                ["name": "listed", "read": "document.querySelector('[data-table=attachments]').innerText"],
                ["name": "downloaded", "read": hashDownload],
            ] + WorkbenchBrowserTests.shot("attachments") + [
                ["open": "/sync"], ["click": "#sync-now"],
                ["name": "synced", "read": "document.querySelector('[data-notice=sync]').textContent"],
            ] + WorkbenchBrowserTests.shot("attachments-synced") + [
                ["open": "/records/plan/\(plan)"],
                ["name": "upward", "read": "document.querySelector('[data-key=upward]').textContent"],
            ] + WorkbenchBrowserTests.shot("attachments-sent"), scratch)
        // The file went up with the sync, whole.
        let atCounty = try #require(
            try JSONValue.decode(try expectSuccess("attachments", "list", "--db", county, "--json").stdout).array)
        #expect(atCounty.first?["sha256"]?.string == String(sha256))
        #expect(atCounty.first?["here"] == .bool(true))
        // A county officer downloads it from the county's 汇总 (dashboard).
        try WorkbenchBrowserTests.addUser(county, "li", role: "admin")
        let dashboard = try WorkbenchBrowserTests.drive(
            countyHub.url,
            WorkbenchBrowserTests.signIn("li") + [
                ["open": "/orgs/520201"],
                ["name": "files", "read": "document.querySelector('[data-table=files]').innerText"],
                ["name": "fromDashboard", "read": hashDownload],
            ] + WorkbenchBrowserTests.shot("attachments-dashboard"), scratch)
        let files = dashboard.first { $0["name"]?.string == "files" }?["value"]?.string ?? ""
        #expect(files.contains("大河镇防汛应急预案.pdf") && files.contains("大河镇") && files.contains("PDF 文档"), "\(files)")
        #expect(dashboard.first { $0["name"]?.string == "fromDashboard" }?["value"]?.string == String(sha256))

        let removal = try WorkbenchBrowserTests.drive(
            site.url,
            WorkbenchBrowserTests.signIn("wang") + [
                ["open": "/records/plan/\(plan)"],
                ["name": "remove", "click": "[data-action=remove-attachment]"],
                ["name": "removed", "read": "document.querySelector('[data-notice=attachments]').textContent"],
                ["name": "after", "read": "document.querySelectorAll('[data-attachment]').length"],
            ] + WorkbenchBrowserTests.shot("attachments-removed"), scratch)
        func value(_ name: String) -> JSONValue? {
            (results + removal).first { $0["name"]?.string == name }?["value"]
        }
        func status(_ name: String) -> Double? { results.first { $0["name"]?.string == name }?["status"]?.number }
        #expect(value("before")?.string?.contains("暂无附件") == true)
        #expect(status("upload") == 200)
        #expect(value("notice")?.string == "附件已上传。")
        #expect(value("listed")?.string?.contains("大河镇防汛应急预案.pdf") == true, "\(results)")
        #expect(value("listed")?.string?.contains("2.3 MB") == true)
        #expect(value("downloaded")?.string == String(sha256), "the download is the uploaded bytes")
        #expect(value("synced")?.string?.contains("同步完成") == true)
        #expect(value("upward")?.string == "已送达上级", "the record page says the file reached the county")
        #expect(value("removed")?.string == "附件已删除。")
        #expect(value("after") == .number(0))
    }
}
