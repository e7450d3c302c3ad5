import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// Approval by level across three nodes by bundle: the lock, pending amendments on both sides
/// and their decisions, who may approve, and the children-first rule.
@Suite final class ApprovalTests {
    let directory: URL
    let township: TierSyncNode
    let county: TierSyncNode
    let city: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-approval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        township = try TierSyncNode.create(path: directory.appendingPathComponent("t.db").path, org: "520201101")
        county = try TierSyncNode.create(path: directory.appendingPathComponent("c.db").path, org: "520201")
        city = try TierSyncNode.create(path: directory.appendingPathComponent("city.db").path, org: "520200")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func send(_ from: TierSyncNode, _ to: TierSyncNode) throws -> ApplyReport {
        try sendBundle(from, to, in: directory)
    }

    /// Every way up and down, twice, so that everything reaches everyone.
    func syncAll() throws {
        for _ in 0..<2 {
            try send(township, county)
            try send(county, city)
            try send(city, county)
            try send(county, township)
        }
    }

    func report(_ body: String = "本期完成隐患排查12处") throws -> StoredRecord {
        try township.add(.report, values: ["period": "2026-11-H2", "body": body])
    }

    @Test(
        "the race: a township edits a report offline while the county approves it; the approval stands and the edit is a pending amendment at every level"
    )
    func race() throws {
        let id = try report().id.rawValue
        try send(township, county)
        try county.approve(.report, id: id, note: "同意")
        try township.set(.report, id: id, values: ["body": "离线补充：另有3处"])  // before the lock arrives
        try syncAll()
        for node in [township, county, city] {
            let shown = try node.show(.report, id: id)
            #expect(shown["body"] == .text("本期完成隐患排查12处"), "the approved text is shown at \(node.org.code)")
            #expect(Approval(shown)?.org == "520201")
            let pending = try node.amendments(includeDecided: false)
            #expect(pending.count == 1, "at \(node.org.code)")
            #expect(pending.first?.proposed == .text("离线补充：另有3处") && pending.first?.field == "body")
            #expect(try node.conflicts().isEmpty, "an amendment is not listed as a conflict at \(node.org.code)")
        }
        // Once the lock is here, a local edit is refused, naming who approved it and when.
        let refusal = #expect(throws: DomainError.self) {
            try self.township.set(.report, id: id, values: ["body": "再改"])
        }
        #expect(refusal?.description.contains("approved by 520201 钟山区") == true, "\(refusal?.description ?? "")")
        #expect(refusal?.chinese?.contains("钟山区") == true && refusal?.chinese?.contains("审核通过") == true)
    }

    @Test(
        "a rejected amendment keeps the approved value and its reason reaches the township; an accepted one becomes the value"
    )
    func decisions() throws {
        let first = try report().id.rawValue
        let second = try township.add(.report, values: ["period": "2026-11-H1", "body": "上半月"]).id.rawValue
        try send(township, county)
        try county.approve(.report, id: first)
        try county.approve(.report, id: second)
        try township.set(.report, id: first, values: ["body": "被驳回的修改"])
        try township.set(.report, id: second, values: ["body": "被采纳的修改"])
        try syncAll()
        let pending = try county.amendments(includeDecided: false)
        #expect(pending.count == 2)
        let townshipSide = #expect(throws: DomainError.self) {
            try self.township.rejectAmendment(pending[0].id, reason: "x")
        }
        #expect(townshipSide != nil, "only the approving level decides")
        for amendment in pending {
            if amendment.record == first {
                try county.rejectAmendment(amendment.id, reason: "与台账不符")
            } else {
                try county.acceptAmendment(amendment.id)
            }
        }
        try syncAll()
        for node in [township, county, city] {
            #expect(try node.show(.report, id: first)["body"] == .text("本期完成隐患排查12处"))
            #expect(try node.show(.report, id: second)["body"] == .text("被采纳的修改"))
            #expect(try node.amendments(includeDecided: false).isEmpty)
            #expect(Approval(try node.show(.report, id: second)) != nil, "accepting keeps the approval")
        }
        let decided = try township.amendments()
        let rejected = decided.first { $0.record == first }
        #expect(rejected?.status == .rejected && rejected?.reason == "与台账不符" && rejected?.decider == "钟山区")
        #expect(decided.first { $0.record == second }?.status == .accepted)
        // Nothing lost: the rejected text stays in the record's history.
        #expect(try township.history(.report, id: first).contains { $0.new == .text("被驳回的修改") })
    }

    @Test(
        "unapproving opens the record again: the township edits it, and an amendment waiting is ranked by the policy again"
    )
    func unapprove() throws {
        let id = try report().id.rawValue
        try send(township, county)
        try county.approve(.report, id: id)
        try township.set(.report, id: id, values: ["body": "离线修改"])
        try syncAll()
        try county.unapprove(.report, id: id, note: "退回重报")
        try syncAll()
        for node in [township, county, city] {
            let shown = try node.show(.report, id: id)
            #expect(Approval(shown) == nil)
            #expect(shown["body"] == .text("离线修改"), "the owner's edit wins again under owner-wins at \(node.org.code)")
            #expect(try node.amendments(includeDecided: false).isEmpty)
        }
        try township.set(.report, id: id, values: ["body": "重报"])
        try send(township, county)
        #expect(try county.show(.report, id: id)["body"] == .text("重报"))
    }

    @Test("only a unit above the owner approves; a forged approval from below is refused on arrival")
    func whoApproves() throws {
        let id = try report().id.rawValue
        let own = #expect(throws: DomainError.self) { try self.township.approve(.report, id: id) }
        #expect(own?.description.contains("the unit above it approves it") == true)
        let contact = try township.add(.contact, values: ["role": "信息员", "name": "示例·王一", "phone": "13900000001"])
        #expect(throws: DomainError.self) { try self.county.approve(.contact, id: contact.id.rawValue) }
        // A township that writes the approval fields itself (a tampered node): refused at the county.
        try township.store.write { writer in
            try writer.update(table: "progress_report", id: RecordID(id)!, fields: ["approved_by": .text("520201")])
        }
        let report = try send(township, county)
        #expect(report.refused.contains { $0.field == "approved_by" && $0.reason.contains("decided by a unit above") })
        #expect(Approval(try county.show(.report, id: id)) == nil)
    }

    @Test(
        "with the children-first rule, the city approves a county's report only after the county approved each township's, and names those it did not"
    )
    func childrenFirst() throws {
        let townshipReport = try report().id.rawValue
        let countyReport = try county.add(.report, values: ["period": "2026-11-H2", "body": "县汇总"]).id.rawValue
        try send(township, county)
        try send(county, city)
        try city.setApprovalRule(.report, childrenFirst: true)
        let refusal = #expect(throws: DomainError.self) { try self.city.approve(.report, id: countyReport) }
        #expect(refusal?.description.contains("520201101 大河镇") == true, "\(refusal?.description ?? "")")
        #expect(refusal?.chinese?.contains("大河镇") == true)
        // Every township of 钟山区 must have its report approved: approve them all at the county.
        let townships = try county.orgs().filter { $0.parent == "520201" }
        for unit in townships where unit.code != "520201101" {
            let other = try county.add(.report, org: unit.code, values: ["period": "2026-11-H2", "body": "已报"])
            try county.approve(.report, id: other.id.rawValue)
        }
        try county.approve(.report, id: townshipReport)
        try send(county, city)
        try city.approve(.report, id: countyReport)
        #expect(Approval(try city.show(.report, id: countyReport))?.org == "520200")
    }

    @Test(
        "filing by bundle: filed with the county, returned, filed again, accepted and locked; the city sees each state")
    func filing() throws {
        let plan = try township.add(.plan, values: ["title": "大河镇防汛应急预案", "level": "grassroots"]).id.rawValue
        #expect(TierSyncNode.FilingState(try township.show(.plan, id: plan)) == .notFiled)
        #expect(throws: DomainError.self) { try self.township.file(plan: plan, with: "520201101") }
        try township.file(plan: plan, with: "520201")
        try syncAll()
        #expect(try county.filings().map(\.id.rawValue) == [plan])
        #expect(throws: DomainError.self) { try self.city.recordVerdict(plan: plan, accepted: true, note: nil) }
        try county.recordVerdict(plan: plan, accepted: false, note: "补充转移路线")
        try syncAll()
        #expect(TierSyncNode.FilingState(try township.show(.plan, id: plan)) == .returned)
        try township.set(.plan, id: plan, values: ["version": "修订版"])
        try township.file(plan: plan, with: "520201")
        try syncAll()
        #expect(TierSyncNode.FilingState(try city.show(.plan, id: plan)) == .pending)
        try county.recordVerdict(plan: plan, accepted: true, note: nil)
        try syncAll()
        for node in [township, county, city] {
            let shown = try node.show(.plan, id: plan)
            #expect(TierSyncNode.FilingState(shown) == .accepted && Approval(shown)?.org == "520201")
        }
        #expect(throws: DomainError.self) { try self.township.set(.plan, id: plan, values: ["version": "再改"]) }
    }

    @Test(
        "close-out by bundle: the township asks, the county returns it, then approves it; the task is closed and locked"
    )
    func closeout() throws {
        let task = try county.add(.task, org: "520201101", values: ["title": "物资库改造", "deadline": "2026-12-31"])
            .id.rawValue
        try syncAll()
        try township.requestCloseout(task: task, note: "已完工")
        try syncAll()
        #expect(try county.show(.task, id: task)["status"] == .text("close-requested"))
        try county.returnCloseout(task: task, note: "缺验收单")
        try syncAll()
        #expect(try township.show(.task, id: task)["note"] == .text("缺验收单"))
        try township.requestCloseout(task: task, note: "已补验收单")
        try syncAll()
        try county.approve(.task, id: task)
        try syncAll()
        for node in [township, county, city] {
            let shown = try node.show(.task, id: task)
            #expect(shown["status"] == .text("closed") && Approval(shown) != nil)
        }
    }

    @Test("a verdict and the approval it brings are one write: refused by the approval rule, no verdict is recorded")
    func verdictIsOneWrite() throws {
        let plan = try county.add(.plan, values: ["title": "钟山区总体应急预案", "level": "overall"]).id.rawValue
        try county.file(plan: plan, with: "520200")
        try send(county, city)
        try city.setApprovalRule(.plan, childrenFirst: true)
        let refusal = #expect(throws: DomainError.self) {
            try self.city.recordVerdict(plan: plan, accepted: true, note: "同意")
        }
        #expect(refusal?.description.contains("approve every child unit's plan first") == true)
        let shown = try city.show(.plan, id: plan)
        #expect(TierSyncNode.FilingState(shown) == .pending && Approval(shown) == nil)
    }
}
