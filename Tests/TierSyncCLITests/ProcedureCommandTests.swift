import Foundation
import Testing

/// The procedures from the command line across three live levels over HTTP: a township
/// joined to its county's hub, the county joined to the city's. Filing and verdicts, the
/// approval race with its pending amendment, and close-out.
@Suite(.serialized, .ownThreads) struct ProcedureCommandTests {
    @Test("filing, approval with a pending amendment, and close-out across township, county and city over HTTP")
    func threeLevels() throws {
        let scratch = try Scratch()
        func db(_ name: String) -> String { scratch.path("\(name).db") }
        func json(_ arguments: String...) throws -> JSONValue {
            try JSONValue.decode(try expectSuccess(arguments).stdout)
        }
        func amendments(_ name: String, pending: Bool = true) throws -> [JSONValue] {
            let all = try json("amendments", "list", "--db", db(name), "--json")["amendments"]?.array ?? []
            return all.filter { !pending || $0["status"]?.string == "pending" }
        }
        func field(_ name: String, _ kind: String, _ id: String, _ key: String) throws -> String? {
            try json(kind, "show", "--db", db(name), id, "--json")["fields"]?[key]?.string
        }
        _ = try initNode(db("city"), org: "520200")
        let city = try HubProcess(db: db("city"), scratch: scratch)
        try joinNode(db("county"), hub: city, parentDB: db("city"), org: "520201")
        let county = try HubProcess(db: db("county"), scratch: scratch, syncInterval: 0.3)
        try joinNode(db("town"), hub: county, parentDB: db("county"), org: "520201101")
        defer { county.stop(); city.stop() }

        // Filing: the township files its plan with the county, which returns it, then accepts it.
        let plan = try expectSuccess(
            "plan", "add", "--db", db("town"), "--title", "大河镇防汛应急预案", "--level", "grassroots", "--status", "published"
        ).output
        try expectSuccess("plan", "file", "--db", db("town"), plan, "--with", "520201")
        try expectSuccess("sync", "--db", db("town"))
        let filings = try json("filings", "--db", db("county"), "--json")["filings"]?.array ?? []
        #expect(filings.count == 1 && filings.first?["state"]?.string == "pending")
        let notFiler = try tiersync("plan", "verdict", "--db", db("town"), plan, "accepted")
        #expect(notFiler.exitCode != 0 && notFiler.stderr.contains("only the org it is filed with records a verdict"))
        try expectSuccess("plan", "verdict", "--db", db("county"), plan, "returned", "--note", "补充转移路线")
        try expectSuccess("sync", "--db", db("town"))
        #expect(try field("town", "plan", plan, "filing_verdict") == "returned")
        try expectSuccess("plan", "set", "--db", db("town"), plan, "version=2026修订版")
        try expectSuccess("plan", "file", "--db", db("town"), plan, "--with", "520201")
        try expectSuccess("sync", "--db", db("town"))
        try expectSuccess("plan", "verdict", "--db", db("county"), plan, "accepted")
        #expect(
            try eventually(20) {
                let coverage = try json("report", "coverage", "--db", db("city"), "--org", "520201", "--format", "json")
                let summary = coverage["tables"]?.array?.first { $0["key"]?.string == "summary" }
                return summary?["rows"]?.array?.contains { $0["values"]?["accepted"]?.int == 1 } == true
            }, "the city's coverage report shows the accepted filing")

        // The race: the county approves a report while the township edits it offline.
        let report = try expectSuccess(
            "report", "add", "--db", db("town"), "--period", "2026-11-H2", "--body", "本期完成隐患排查12处"
        ).output
        try expectSuccess("sync", "--db", db("town"))
        try expectSuccess("approve", "--db", db("county"), "report", report, "--note", "同意")
        try expectSuccess("report", "set", "--db", db("town"), report, "body=离线补充：另有3处")
        try expectSuccess("sync", "--db", db("town"))
        #expect(
            try eventually(20) {
                try ["town", "county", "city"].allSatisfy {
                    try field($0, "report", report, "body") == "本期完成隐患排查12处"
                        && amendments($0).count == 1
                }
            }, "\(county.log)")
        let locked = try tiersync("report", "set", "--db", db("town"), report, "body=再改")
        #expect(locked.exitCode != 0 && locked.stderr.contains("approved by 520201 钟山区"))
        let pending = try #require(try amendments("county").first?["id"]?.string)
        try expectSuccess("amendments", "reject", "--db", db("county"), pending, "--reason", "与台账不符")
        try expectSuccess("sync", "--db", db("town"))
        let outcome = try amendments("town", pending: false).first
        #expect(outcome?["status"]?.string == "rejected" && outcome?["reason"]?.string == "与台账不符")

        // Close-out: the township asks, the county approves; the task is closed and locked.
        let task = try expectSuccess(
            "task", "add", "--db", db("county"), "--org", "520201101", "--title", "物资库改造", "--deadline", "2026-12-31"
        ).output
        try expectSuccess("sync", "--db", db("town"))
        try expectSuccess("task", "closeout", "--db", db("town"), task, "--note", "已完工")
        try expectSuccess("sync", "--db", db("town"))
        try expectSuccess("approve", "--db", db("county"), "task", task)
        try expectSuccess("sync", "--db", db("town"))
        #expect(try field("town", "task", task, "status") == "closed")
        #expect(try field("town", "task", task, "approved_by") == "520201")
    }

    @Test("shared directories, directives with receipts, periods with arrivals and an extension, over HTTP")
    func sharedDownAndPeriods() throws {
        let scratch = try Scratch()
        func db(_ name: String) -> String { scratch.path("\(name).db") }
        func json(_ arguments: String...) throws -> JSONValue {
            try JSONValue.decode(try expectSuccess(arguments).stdout)
        }
        _ = try initNode(db("city"), org: "520200")
        let expert = try expectSuccess(
            "contact", "add", "--db", db("city"), "--role", "专家", "--name", "示例·专家", "--phone", "13900000009",
            "--share", "subtree"
        ).output
        let city = try HubProcess(db: db("city"), scratch: scratch)
        try joinNode(db("county"), hub: city, parentDB: db("city"), org: "520201")
        let county = try HubProcess(db: db("county"), scratch: scratch, syncInterval: 0.3)
        try joinNode(db("town"), hub: county, parentDB: db("county"), org: "520201101")
        defer { county.stop(); city.stop() }

        // The expert came down with the township's first copy, read-only, among the shared records.
        let shared = try json("contact", "list", "--db", db("town"), "--shared", "--json")["records"]?.array ?? []
        #expect(shared.map { $0["id"]?.string } == [expert])
        #expect(try json("contact", "list", "--db", db("town"), "--json")["records"]?.array?.isEmpty == true)
        let edit = try tiersync("contact", "set", "--db", db("town"), expert, "phone=13900000010")
        #expect(edit.exitCode != 0 && edit.stderr.contains("outside this node's subtree"))

        // A directive from the city: the township reads it, and the city sees per unit who did.
        let directive = try expectSuccess(
            "directive", "add", "--db", db("city"), "--title", "关于开展汛前隐患排查的通知", "--deadline", "2026-12-20"
        ).output
        #expect(
            try eventually(20) {
                try expectSuccess("sync", "--db", db("town"))
                return try tiersync("directive", "show", "--db", db("town"), directive).exitCode == 0
            })
        try expectSuccess("directive", "read", "--db", db("town"), directive)
        try expectSuccess("sync", "--db", db("town"))
        #expect(
            try eventually(20) {
                let units = try json("directive", "receipts", "--db", db("city"), directive, "--json")["units"]?.array
                let dahe = units?.first { $0["org"]?.string == "520201101" }
                return dahe?["arrived"]?.string != nil && dahe?["read"]?.string != nil
            }, "\(county.log)")

        // Periods: the county extends 2026-11-H2 for its townships; the township's report shows
        // when it was made and when it reached the county and the city.
        try expectSuccess(
            "extension", "add", "--db", db("county"), "--period", "2026-11-H2", "--due", "2026-12-31", "--note", "汛后补报")
        let report = try expectSuccess(
            "report", "add", "--db", db("town"), "--period", "2026-11-H2", "--body", "本期完成隐患排查12处"
        ).output
        try expectSuccess("sync", "--db", db("town"))
        #expect(
            try eventually(20) {
                try expectSuccess("sync", "--db", db("town"))
                let rows =
                    try json("periods", "--db", db("town"), "--from", "2026-11", "--through", "2026-11", "--json")[
                        "periods"]?.array ?? []
                let row = rows.first { $0["period"]?.string == "2026-11-H2" && $0["subject"]?.string == "report" }
                let levels = Set(row?["arrivals"]?.array?.compactMap { $0["level"]?.string } ?? [])
                return row?["record"]?.string == report && row?["due"]?.string == "2026-12-31"
                    && row?["state"]?.string == "on-time" && levels == ["520201", "520200"]
            }, "the township learns its report reached the county and the city, with the extended due date")
    }
}
