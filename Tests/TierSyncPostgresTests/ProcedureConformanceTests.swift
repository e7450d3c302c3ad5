import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// The procedures between levels and a hub's own material ledger, on a SQLite node and on
/// a hub on PostgreSQL that hold the same records: a filing verdict, a close-out returned and
/// requested, a directive read, stock received, issued, moved, counted and reversed. The same
/// records, balances, receipts and refusals, and the same log for the children to pull.
@Suite(.serialized) struct ProcedureConformanceTests {
    /// Records the city and the county made, pushed to the province's two hubs.
    struct Submitted {
        let filedWithProvince = RecordID("0194c5a0-0000-7000-8000-00000000f001")!
        let filedWithCity = RecordID("0194c5a0-0000-7000-8000-00000000f002")!
        let closeRequested = RecordID("0194c5a0-0000-7000-8000-00000000f003")!
        let open = RecordID("0194c5a0-0000-7000-8000-00000000f004")!

        init(_ hubs: HubConformanceTests.Hubs, random: inout SplitMix64) throws {
            let (county, city) = (hubs.editors.editors[1], hubs.editors.editors[2])
            func plan(_ filedWith: String) -> [String: FieldValue] {
                [
                    "title": .text("示例·防汛应急预案"), "level": .text("overall"), "status": .text("published"),
                    "filed_with": .text(filedWith), "filed_on": .text("2026-11-30"), "filing_verdict": .text("pending"),
                ]
            }
            func task(_ status: String) -> [String: FieldValue] {
                ["title": .text("示例·隐患排查"), "deadline": .text("2026-12-31"), "status": .text(status)]
            }
            try city.write { writer in
                try writer.insert(table: "plan", id: filedWithProvince, org: "520200", fields: plan("520000"))
                try writer.insert(table: "task", id: closeRequested, org: "520200", fields: task("close-requested"))
            }
            try county.write { writer in
                try writer.insert(table: "plan", id: filedWithCity, org: "520201", fields: plan("520200"))
                try writer.insert(table: "task", id: open, org: "520201", fields: task("open"))
            }
            // Pushed with a contested contact's history, so that conflicts are compared too.
            _ = try LocalEditConformanceTests.contestedContact(hubs, random: &random)
        }
    }

    @Test("a filing verdict, close-outs returned and requested, a directive read: both stores agree, refusals alike")
    func proceduresAgree() throws {
        var random = SplitMix64(seed: 31)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 30)
        defer { hubs.postgres.store.close() }
        let submitted = try Submitted(hubs, random: &random)
        var results: [[StoredRecord]] = []
        var refusals: [[String]] = []
        var views: [String] = []
        for hub in hubs.workspaces {
            try RecordEdit.$ids.withValue(RecordIDSource(seed: 5)) {
                let plan = submitted.filedWithProvince.rawValue
                var made = [
                    try hub.recordVerdict(plan: plan, accepted: false, note: "请补充物资保障章节"),
                    try hub.recordVerdict(plan: plan, accepted: true, note: "同意备案"),
                    try hub.returnCloseout(task: submitted.closeRequested.rawValue, note: "请补充整改照片"),
                ]
                let own = try hub.add(.task, org: nil, values: ["title": "示例·省级督查", "deadline": "2026-12-31"], id: nil)
                made.append(try hub.requestCloseout(task: own.id.rawValue, note: "已完成督查"))
                let ownPlan = try hub.add(
                    .plan, org: nil, values: ["title": "示例·省级总体预案", "level": "overall", "status": "published"], id: nil)
                let directive = try hub.add(
                    .directive, org: nil, values: ["title": "示例·防汛通知", "share": "subtree"], id: nil)
                made.append(try hub.markRead(directive: directive.id.rawValue))
                made.append(try hub.markRead(directive: directive.id.rawValue))
                results.append(made)
                refusals.append(
                    LocalEditConformanceTests.outcomes([
                        {
                            _ = try hub.recordVerdict(plan: submitted.filedWithCity.rawValue, accepted: true, note: nil)
                        },
                        { _ = try hub.recordVerdict(plan: ownPlan.id.rawValue, accepted: true, note: nil) },
                        { _ = try hub.file(plan: ownPlan.id.rawValue, with: "520200") },
                        { _ = try hub.file(plan: ownPlan.id.rawValue, with: "999999") },
                        { _ = try hub.file(plan: plan, with: "520201") },
                        { _ = try hub.returnCloseout(task: submitted.open.rawValue, note: "退回") },
                        { _ = try hub.returnCloseout(task: own.id.rawValue, note: "退回") },
                        { _ = try hub.requestCloseout(task: own.id.rawValue, note: "再次申请") },
                        { _ = try hub.markRead(directive: submitted.open.rawValue) },
                    ]))
                views.append(
                    "\(try hub.filings().map(\.id)) \(try hub.directiveReach(directive.id.rawValue))")
            }
        }
        #expect(results[0] == results[1])
        #expect(refusals[0] == refusals[1], "\(refusals)")
        #expect(!refusals[0].contains("applied"), "\(refusals[0])")
        #expect(views[0] == views[1])
        #expect(Approval(results[0][1])?.org == "520000", "an accepted filing approves the plan")
        #expect(results[0][2]["status"] == .text("open") && results[0][3]["status"] == .text("close-requested"))
        let directive = results[0][4].id.rawValue
        let receipts = (
            try hubs.sqlite.receipts(of: directive),
            try hubs.postgres.store.read { try TierSyncNode.receipts(of: directive, in: $0) }
        )
        #expect(receipts.0 == receipts.1)
        #expect(receipts.0.map { "\($0.level) \($0.event) \($0.reader ?? "")" } == ["520000 read 贵州省"], "read once")
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: "procedures")
        try conformance.expectSamePulls(hubs, context: "procedures")
    }

    @Test(
        "stock received as a new item, issued, moved to the city, counted and reversed: the same ledger on both stores")
    func ledgersAgree() throws {
        var random = SplitMix64(seed: 37)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        try LocalEditConformanceTests.pushEverything(hubs, random: &random)
        typealias Entry = TierSyncNode.StockEntry
        var results: [[StoredRecord]] = []
        var refusals: [[String]] = []
        var balances: [[StockBalance]] = []
        for hub in hubs.workspaces {
            try RecordEdit.$ids.withValue(RecordIDSource(seed: 9)) {
                let site = "省级储备库"
                let received = try hub.recordStock(
                    .receive,
                    Entry(
                        item: "帐篷", site: site, quantity: "100", source: "采购",
                        newItem: ["category": "生活保障类", "unit": "顶"]))
                let issued = try hub.recordStock(.issue, Entry(item: "帐篷", site: site, quantity: "30", note: "支援灾区"))
                var made = [received, issued]
                made.append(
                    try hub.recordStock(
                        .transfer, Entry(item: "帐篷", site: site, quantity: "20", toSite: "市级储备库", toOrg: "520200")))
                made.append(try hub.recordStock(.count, Entry(item: "帐篷", site: site, quantity: "48")))
                let reversal = try hub.reverseStock(eventID: issued.id.rawValue, note: "误录")
                made.append(reversal)
                results.append(made)
                refusals.append(
                    LocalEditConformanceTests.outcomes([
                        { _ = try hub.recordStock(.issue, Entry(item: "帐篷", site: site, quantity: "1000")) },
                        { _ = try hub.recordStock(.issue, Entry(item: "冲锋舟", site: site, quantity: "1")) },
                        { _ = try hub.recordStock(.receive, Entry(item: "冲锋舟", site: site, quantity: "1")) },
                        { _ = try hub.recordStock(.issue, Entry(item: "帐篷", site: site, quantity: "-5")) },
                        {
                            _ = try hub.recordStock(
                                .transfer, Entry(item: "帐篷", site: site, quantity: "1", toSite: site))
                        },
                        {
                            _ = try hub.recordStock(
                                .transfer, Entry(item: "帐篷", site: site, quantity: "1", toSite: "外省库", toOrg: "999999"))
                        },
                        { _ = try hub.reverseStock(eventID: issued.id.rawValue, note: nil) },
                        { _ = try hub.reverseStock(eventID: reversal.id.rawValue, note: nil) },
                        // Moved back, the city's site would be left with less than none.
                        {
                            _ = try hub.recordStock(
                                .issue,
                                Entry(org: "520200", item: made[0]["item"].textValue!, site: "市级储备库", quantity: "20"))
                        },
                        { _ = try hub.reverseStock(eventID: made[2].id.rawValue, note: nil) },
                    ]))
                balances.append(try hub.stockBalances(under: nil))
            }
        }
        #expect(results[0] == results[1])
        #expect(refusals[0] == refusals[1], "\(refusals)")
        #expect(refusals[0].filter { $0 == "applied" }.count == 1, "only the city's issue applies: \(refusals[0])")
        #expect(balances[0] == balances[1])
        #expect(
            balances[0].map { "\($0.org) \($0.site) \($0.quantity)" } == ["520000 省级储备库 78.0", "520200 市级储备库 0.0"],
            "\(balances[0])")
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: "ledger")
        try conformance.expectSamePulls(hubs, context: "ledger")
    }
}
