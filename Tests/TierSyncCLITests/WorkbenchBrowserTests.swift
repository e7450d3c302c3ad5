import Foundation
import Testing

/// A township's day in headless Chromium (its admin, and a clerk of a sibling township at the county), on the real pages of a real `tiersync serve`
/// that joins a real county hub from its sync page: a contact refused for its phone (Chinese
/// error beside the field, typed values kept, nothing saved), fixed and saved, edited; 立即同步
/// and the contact at the county; a concurrent edit settled on the conflicts page; an issue of
/// more stock than the site holds; a form without its CSRF token, an expired session, and a
/// clerk outside their org, all refused. `TIERSYNC_SCREENSHOTS=DIR` saves the main pages.
@Suite(.serialized, .ownThreads) struct WorkbenchBrowserTests {
    static let password = "示例密码-2026"

    /// Runs `steps` (see `Tests/Browser/workbench_steps.py`) against `base`; one result per step.
    static func drive(_ base: String, _ steps: [[String: Any]], _ scratch: Scratch) throws -> [JSONValue] {
        let file = scratch.directory.appendingPathComponent("steps-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: steps).write(to: file)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Browser/workbench_steps.py").standardizedFileURL.path
        let result = try Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, "--base", base, "--steps", file.path],
            timeout: 180)
        try #require(result.succeeded, "\(result.summary)")
        return try #require(try JSONValue.decode(result.stdout).array)
    }

    static func signIn(_ login: String) -> [[String: Any]] {
        [
            ["open": "/login"], ["fill": ["#login": login, "#password": password]],
            ["click": "form[action='/login'] button"],
        ]
    }

    static func addUser(_ db: String, _ login: String, role: String, org: String? = nil) throws {
        let binary = try TierSyncProcess.binary.get().path
        let command =
            "printf '%s\\n' '\(password)' | '\(binary)' user add --db '\(db)' --login \(login) --name 示例·\(login) --role \(role)"
            + (org.map { " --org \($0)" } ?? "") + " --password-stdin"
        let result = try Subprocess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
        try #require(result.succeeded, "\(result.summary)")
    }

    static let shots = ProcessInfo.processInfo.environment["TIERSYNC_SCREENSHOTS"]

    static func shot(_ name: String) -> [[String: Any]] {
        shots.map { [["screenshot": "\($0)/\(name).png"]] } ?? []
    }

    @Test(
        "a township joins its county, enters, syncs and settles a conflict in the browser; the county's clerks work on its pages",
        .enabled(if: DashboardBrowser.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil),
        arguments: HubStore.allCases)
    func clerksDay(county store: HubStore) throws {
        let scratch = try Scratch()
        let (county, database) = try store.place("county", in: scratch)
        defer { withExtendedLifetime(database) {} }
        let town = scratch.path("town.db")
        try expectSuccess("init", "--db", county, "--org", "520201")
        let countyHub = try HubProcess(db: county, scratch: scratch)
        defer { countyHub.stop() }
        let code = try #require(
            try JSONValue.decode(try expectSuccess("enroll", "--db", county, "--org", "520201101", "--json").stdout)[
                "code"]?.string)
        try expectSuccess("init", "--db", town, "--org", "520201101")
        try Self.addUser(town, "wang", role: "admin")
        let townSite = try HubProcess(db: town, scratch: scratch, syncInterval: 600)
        defer { townSite.stop() }

        // Join from the sync page, then a contact with a bad phone, fixed, saved and edited.
        let first = try Self.drive(
            townSite.url,
            Self.signIn("wang") + [
                ["open": "/sync"], ["fill": ["#parent": countyHub.url, "#code": code]],
                ["click": "form[action='/sync/join'] button"],
                [
                    "name": "joined",
                    "read":
                        "(document.querySelector('[data-notice=sync]') || {}).textContent || document.body.innerText",
                ],
                ["open": "/records/contact/new"],
                ["fill": ["#f-role": "information-officer", "#f-name": "示例·王小二", "#f-phone": "139000011"]],
            ] + Self.shot("contact-form") + [
                ["name": "refused", "click": "form.form button[type=submit]"],
                ["name": "phoneError", "read": "document.querySelector('[data-error=phone]').textContent"],
                [
                    "name": "typed",
                    "read": "document.querySelector('#f-name').value + '|' + document.querySelector('#f-phone').value",
                ],
            ] + Self.shot("contact-error") + [
                ["fill": ["#f-phone": "13900000022"]], ["click": "form.form button[type=submit]"],
                ["name": "saved", "read": "!!document.querySelector('[data-notice=saved]')"],
                ["fill": ["#f-post": "镇应急办"]], ["click": "form.form button[type=submit]"],
                ["name": "history", "read": "document.querySelector('[data-table=history]').innerText"],
                ["open": "/sync"], ["click": "#sync-now"],
                ["name": "synced", "read": "document.querySelector('[data-notice=sync]').textContent"],
            ] + Self.shot("sync"), scratch)
        func value(_ results: [JSONValue], _ name: String) -> JSONValue? {
            results.first { $0["name"]?.string == name }?["value"]
        }
        func status(_ results: [JSONValue], _ name: String) -> Double? {
            results.first { $0["name"]?.string == name }?["status"]?.number
        }
        #expect(value(first, "joined")?.string?.contains("已加入上级节点") == true, "\(first)")
        #expect(status(first, "refused") == 400)
        #expect(value(first, "phoneError")?.string?.hasPrefix("电话“139000011”格式不对") == true)
        #expect(value(first, "typed")?.string == "示例·王小二|139000011")
        #expect(value(first, "saved") == .bool(true))
        #expect(value(first, "history")?.string?.contains("镇应急办") == true)
        #expect(value(first, "synced")?.string?.contains("同步完成") == true)
        let atCounty =
            try JSONValue.decode(try expectSuccess("contact", "list", "--db", county, "--json").stdout)["records"]?
            .array ?? []
        #expect(atCounty.map { $0["fields"]?["post"]?.string } == ["镇应急办"], "the contact reached the county")
        let id = try #require(atCounty.first?["id"]?.string)

        // The county corrects the phone while the township does too: a conflict, settled on the page.
        try expectSuccess("contact", "set", "--db", county, id, "phone=13900000033")
        let second = try Self.drive(
            townSite.url,
            Self.signIn("wang") + [
                ["open": "/records/contact/\(id)"], ["fill": ["#f-phone": "13900000044"]],
                ["click": "form.form button[type=submit]"],
                ["open": "/sync"], ["click": "#sync-now"],
                ["open": "/conflicts"],
                ["name": "openBefore", "read": "document.querySelectorAll('[data-conflict]').length"],
                [
                    "name": "sides",
                    "read":
                        "document.querySelector('[data-conflict] [data-side=current]').textContent + '|' + document.querySelector('[data-conflict] [data-side=other]').textContent",
                ],
            ] + Self.shot("conflicts") + [
                ["fill": ["[data-conflict] input[name=value]": "13900000055"]],
                ["click": "[data-conflict] button[value=new]"],
                ["name": "openAfter", "read": "document.querySelectorAll('[data-conflict]').length"],
                ["name": "settled", "read": "document.querySelector('[data-table=settled]').innerText"],
                ["open": "/sync"], ["click": "#sync-now"],
                // More stock issued than the site holds.
                ["open": "/stock/receive"],
                [
                    "fill": [
                        "#f-item": "帐篷", "#f-category": "life-support", "#f-unit": "顶", "#f-site": "镇应急物资库",
                        "#f-quantity": "10",
                    ]
                ],
                ["click": "form.form button[type=submit]"],
                ["open": "/stock/issue"],
                ["fill": ["#f-item": "帐篷", "#f-site": "镇应急物资库", "#f-quantity": "15"]],
                ["click": "form.form button[type=submit]"],
                ["name": "stockError", "read": "document.querySelector('[data-error=quantity]').textContent"],
                // A form stripped of its CSRF token, as another site would post it.
                ["open": "/records/task/new"],
                [
                    "read":
                        "document.querySelector('form.form input[name=csrf]').remove(); document.querySelector('#f-title').value = '伪造任务'; document.querySelector('#f-deadline').value = '2026-12-31'; true"
                ],
                ["name": "forged", "click": "form.form button[type=submit]"],
                ["name": "forgedText", "read": "document.body.innerText"],
                ["open": "/records"],
                ["name": "statusBar", "read": "document.querySelector('#status-bar').innerText"],
            ], scratch)
        #expect(value(second, "openBefore")?.number == 1, "one open conflict: \(second)")
        #expect(value(second, "sides")?.string?.contains("13900000033") == true)
        #expect(value(second, "sides")?.string?.contains("13900000044") == true)
        #expect(value(second, "openAfter")?.number == 0)
        #expect(value(second, "settled")?.string?.contains("示例·wang") == true, "the settlement names who settled it")
        #expect(value(second, "stockError")?.string?.contains("库存不足") == true)
        #expect(status(second, "forged") == 403 && value(second, "forgedText")?.string?.contains("校验码") == true)
        #expect(value(second, "statusBar")?.string?.contains("在线") == true)
        #expect(try expectSuccess("task", "list", "--db", town).stdout.contains("伪造任务") == false)
        #expect(
            try eventually { try expectSuccess("contact", "show", "--db", county, id).stdout.contains("13900000055") })

        // An expired session: its next form lands on the sign-in page and saves nothing.
        try Self.addUser(county, "clerk2", role: "clerk", org: "520201102")
        let third = try Self.drive(
            countyHub.url,
            Self.signIn("clerk2") + [
                ["name": "outside", "open": "/records/contact/\(id)"],
                ["name": "outsideText", "read": "document.body.innerText"],
            ], scratch)
        #expect(status(third, "outside") == 403, "a clerk of 520201102 opens a record of 520201101")
        #expect(value(third, "outsideText")?.string?.contains("无权") == true)
        let shortSessions = try HubProcess(db: county, scratch: scratch, extra: ["--session-idle-minutes", "0.1"])
        defer { shortSessions.stop() }
        let fourth = try Self.drive(
            shortSessions.url,
            Self.signIn("clerk2") + [
                ["open": "/records/task/new"],
                ["fill": ["#f-title": "过期会话任务", "#f-deadline": "2026-12-31"]],
                ["wait": 8],
                ["click": "form.form button[type=submit]"],
            ], scratch)
        #expect(fourth.last?["path"]?.string == "/login?expired=1")
        #expect(try expectSuccess("task", "list", "--db", county).stdout.contains("过期会话任务") == false)
    }
}
