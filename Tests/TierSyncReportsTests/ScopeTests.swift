import Testing
import TierSyncReports

/// A wide scope scans whole tables and a narrow one reads through the org index: both must
/// give the same figures, and neither may count records outside the scope.
@Suite struct ScopeTests {
    @Test(
        "a township's reports are the same whether its scope is read by scan or by index",
        arguments: ReportKind.allCases)
    func scanAndIndexAgree(kind: ReportKind) throws {
        let f = try ReportFixture()
        try f.org("520201101201", under: "520201101", name: "示例村", level: .village)
        // Stock reaches the townships by transfer from the county: read through `to_org`.
        try f.node.recordStock(
            .receive,
            .init(
                org: "520201", item: "帐篷", site: "县库", quantity: "100",
                newItem: ["category": "生活保障类", "unit": "顶"]))
        for org in ["520201101", "520201101201", "520201102"] {
            try f.node.recordStock(
                .transfer, .init(org: "520201", item: "帐篷", site: "县库", quantity: "5", toSite: "镇库", toOrg: org))
            try f.task(org, deadline: "2026-01-01")
            try f.plan(org, category: "forest-fire", deadline: "2026-01-01")
            try f.contact(org, confirmed: "2025-01-01")
            try f.contact(org, role: "commander", hazard: "flood-disaster")
            try f.drill(org, on: "2026-10-10", participants: 12)
            try f.progress(org, "2026-11-H1", submittedAt: "2026-11-16T01:00:00Z")
        }
        let scanned = try f.report(kind, org: "520201101")
        // 400 more units elsewhere make 大河镇 less than a twentieth of the hierarchy.
        for index in 0..<400 {
            try f.org("5202900019\(100 + index)", under: "520290001", name: "示例企业\(index)", level: .enterprise)
        }
        let indexed = try f.report(kind, org: "520201101")
        #expect(scanned.tables.map(\.rows) == indexed.tables.map(\.rows))
        #expect(try #require(scanned.table("summary")).orgs.first == "520201101201", "a row per child: the village")
        #expect(scanned.tables.contains { !$0.rows.isEmpty }, "the \(kind) report has something to compare")
    }
}
