import Foundation
import Testing
import TierSyncDomain
import TierSyncStore

/// The procedures on a county's live site, with a township node beside it that exchanges
/// bundles with it: approving, the amendment decided on the page, filing verdicts, close-out.
@Suite struct ProcedurePageTests {
    /// A township node next to the site's county, and a bundle each way.
    final class Township {
        let node: TierSyncNode
        let site: LiveSite

        init(_ site: LiveSite) throws {
            self.site = site
            node = try TierSyncNode.create(
                path: site.directory.appendingPathComponent("town.db").path, org: "520201101", logger: LiveSite.silent)
        }

        func send() throws {
            let path = site.directory.appendingPathComponent(UUID().uuidString + ".tsb").path
            try node.exportBundle(to: "520201", path: path)
            _ = try site.node.importBundle(path: path)
        }

        func receive() throws {
            let path = site.directory.appendingPathComponent(UUID().uuidString + ".tsb").path
            try site.node.exportBundle(to: "520201101", path: path)
            _ = try node.importBundle(path: path)
        }
    }

    @Test(
        "the county approves a township's report on its page; a clerk and a post without the token are refused",
        arguments: LiveSite.Store.allCases)
    func approve(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let township = try Township(site)
        let report = try township.node.add(.report, values: ["period": "2026-11-H2", "body": "本期完成排查"])
        try township.send()
        let path = "/records/report/\(report.id.rawValue)"
        let clerk = try #require(try await site.signIn("clerk"))
        let clerkToken = try await site.csrf(path, session: clerk)
        #expect(!(try await site.get(path, session: clerk).body.contains("data-action=\"approve\"")))
        #expect(try await site.post(path + "/approve", [("csrf", clerkToken)], session: clerk).status == 403)
        let admin = try #require(try await site.signIn("admin"))
        #expect(try await site.post(path + "/approve", [("note", "x")], session: admin).status == 403)
        #expect(
            Approval(try site.node.show(.report, id: report.id.rawValue)) == nil, "nothing approved without the token")
        let token = try await site.csrf(path, session: admin)
        let answer = try await site.post(path + "/approve", [("csrf", token), ("note", "同意上报")], session: admin)
        #expect(answer.status == 303)
        let page = try await site.get(path, session: admin).body
        #expect(page.contains("已由钟山区（示例·管理员）") && page.contains("同意上报"))
        #expect(page.contains("data-action=\"unapprove\""))
        try township.receive()
        #expect(Approval(try township.node.show(.report, id: report.id.rawValue))?.approver == "示例·管理员")
    }

    @Test(
        "an edit made at the township before the approval arrived is decided on the county's page; a rejection needs a reason",
        arguments: LiveSite.Store.allCases)
    func amendment(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let township = try Township(site)
        let report = try township.node.add(.report, values: ["period": "2026-11-H2", "body": "初稿"])
        try township.send()
        try site.node.approve(.report, id: report.id.rawValue, note: nil)
        try township.node.set(.report, id: report.id.rawValue, values: ["body": "离线修改"])
        try township.send()
        let admin = try #require(try await site.signIn("admin"))
        let review = try await site.get("/review", session: admin).body
        #expect(review.contains("离线修改") && review.contains("待审核"))
        let amendment = try #require(try site.node.amendments(includeDecided: false).first)
        let token = try await site.csrf("/review", session: admin)
        let noReason = try await site.post(
            "/amendments/\(amendment.id)", [("csrf", token), ("decision", "reject")], session: admin)
        #expect(noReason.status == 400 && noReason.body.contains("请填写理由"))
        let rejected = try await site.post(
            "/amendments/\(amendment.id)", [("csrf", token), ("decision", "reject"), ("reason", "与台账不符")],
            session: admin)
        #expect(rejected.status == 303)
        try township.receive()
        let outcome = try #require(try township.node.amendments().first)
        #expect(outcome.status == .rejected && outcome.reason == "与台账不符")
        #expect(try township.node.show(.report, id: report.id.rawValue)["body"] == .text("初稿"))
    }

    @Test(
        "a plan filed with the county gets its verdict on the county's page; a return needs a note",
        arguments: LiveSite.Store.allCases)
    func verdict(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let township = try Township(site)
        let plan = try township.node.add(
            .plan, values: ["title": "大河镇防汛应急预案", "level": "grassroots", "status": "published"])
        try township.node.file(plan: plan.id.rawValue, with: "520201")
        try township.send()
        let admin = try #require(try await site.signIn("admin"))
        #expect(try await site.get("/review", session: admin).body.contains("大河镇防汛应急预案"))
        let path = "/records/plan/\(plan.id.rawValue)"
        let token = try await site.csrf(path, session: admin)
        let bare = try await site.post(path + "/verdict", [("csrf", token), ("verdict", "returned")], session: admin)
        #expect(bare.status == 400 && bare.body.contains("请填写审查意见"))
        let returned = try await site.post(
            path + "/verdict", [("csrf", token), ("verdict", "returned"), ("note", "补充转移路线")], session: admin)
        #expect(returned.status == 303)
        try township.receive()
        let back = try township.node.show(.plan, id: plan.id.rawValue)
        #expect(TierSyncNode.FilingState(back) == .returned && back["filing_note"] == .text("补充转移路线"))
        try township.node.set(.plan, id: plan.id.rawValue, values: ["version": "2026修订版"])
        try township.node.file(plan: plan.id.rawValue, with: "520201")
        try township.send()
        let accepted = try await site.post(
            path + "/verdict", [("csrf", token), ("verdict", "accepted")], session: admin)
        #expect(accepted.status == 303)
        let shown = try site.node.show(.plan, id: plan.id.rawValue)
        #expect(TierSyncNode.FilingState(shown) == .accepted && Approval(shown)?.org == "520201")
    }

    @Test(
        "a task's close-out request is returned with a reason, then approved, on the county's page",
        arguments: LiveSite.Store.allCases)
    func closeout(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let township = try Township(site)
        let task = try site.node.add(.task, org: "520201101", values: ["title": "物资库改造", "deadline": "2026-12-31"])
        try township.receive()
        try township.node.requestCloseout(task: task.id.rawValue, note: "已完工")
        try township.send()
        let admin = try #require(try await site.signIn("admin"))
        #expect(try await site.get("/review", session: admin).body.contains("物资库改造"))
        let path = "/records/task/\(task.id.rawValue)"
        let token = try await site.csrf(path, session: admin)
        #expect(
            try await site.post(path + "/return", [("csrf", token), ("note", "缺验收单")], session: admin).status == 303)
        #expect(try site.node.show(.task, id: task.id.rawValue)["status"] == .text("open"))
        try township.receive()
        try township.node.requestCloseout(task: task.id.rawValue, note: "已补验收单")
        try township.send()
        #expect(try await site.post(path + "/approve", [("csrf", token)], session: admin).status == 303)
        try township.receive()
        let closed = try township.node.show(.task, id: task.id.rawValue)
        #expect(closed["status"] == .text("closed") && closed["closed_on"] != .null && Approval(closed) != nil)
    }
}
