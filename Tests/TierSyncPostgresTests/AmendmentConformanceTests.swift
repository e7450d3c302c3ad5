import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Pending amendments on a SQLite node and on a hub on PostgreSQL that hold the same
/// records: a township edits its task before the approval from above reaches it; the
/// approving hub lists the edits, accepts one and rejects the other. The same views, records,
/// decisions and refusals, and the same log for the children to pull.
@Suite(.serialized) struct AmendmentConformanceTests {
    @Test("edits made below an approval: listed, one accepted and one rejected, refused alike: both stores agree")
    func amendmentsAgree() throws {
        var random = SplitMix64(seed: 43)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        let township = hubs.editors.editors[0]
        let task = RecordID.random(using: &random)
        try township.write { writer in
            try writer.insert(
                table: "task", id: task, org: Editors.township,
                fields: ["title": .text("示例·排查隐患"), "deadline": .text("2026-12-31"), "status": .text("open")])
        }
        let contested = try LocalEditConformanceTests.contestedContact(hubs, random: &random)
        // Approved above; the township, not having seen it, edits two fields the approval locks.
        for hub in hubs.workspaces {
            _ = try hub.approve(.task, id: task.rawValue, note: "同意")
        }
        try township.write { writer in
            try writer.update(
                table: "task", id: task, fields: ["title": .text("示例·排查隐患（补充）"), "deadline": .text("2027-01-15")])
        }
        try LocalEditConformanceTests.pushEverything(hubs, random: &random)
        let contestedConflict = try #require(
            try hubs.sqlite.store.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT id FROM conflict WHERE settled_hlc IS NULL AND record = ?",
                    arguments: [contested.rawValue])
            })
        var views: [[String]] = []
        var records: [[StoredRecord]] = []
        var refusals: [[String]] = []
        for hub in hubs.workspaces {
            try RecordEdit.$ids.withValue(RecordIDSource(seed: 13)) {
                let pending = try hub.amendments(includeDecided: false)
                try #require(pending.map(\.field) == ["title", "deadline"], "\(storeName(hub)): \(pending)")
                var views0 = pending.map(Self.comparable)
                let accepted = try hub.acceptAmendment(pending[0].id, reason: "同意补充")
                let rejected = try hub.rejectAmendment(pending[1].id, reason: "期限不变")
                records.append([accepted, rejected])
                views0 += try hub.amendments().map(Self.comparable)
                views.append(views0)
                let otherConflict =
                    hub is TierSyncNode
                    ? contestedConflict
                    : try #require(
                        try hubs.postgres.store.openConflicts().first { $0.record == contested.rawValue }?.id)
                refusals.append(
                    LocalEditConformanceTests.outcomes([
                        { _ = try hub.acceptAmendment(pending[1].id, reason: nil) },
                        { _ = try hub.rejectAmendment("999999", reason: "无") },
                        { _ = try hub.rejectAmendment("not-a-number", reason: "无") },
                        { _ = try hub.acceptAmendment(String(otherConflict), reason: nil) },
                    ]).map {
                        $0.replacingOccurrences(of: pending[1].id, with: "ID").replacingOccurrences(
                            of: String(otherConflict), with: "OTHER")
                    })
            }
        }
        #expect(views[0] == views[1], "\(views)")
        #expect(records[0] == records[1])
        #expect(records[0][1]["title"] == .text("示例·排查隐患（补充）") && records[0][1]["deadline"] == .text("2026-12-31"))
        #expect(refusals[0] == refusals[1], "\(refusals)")
        #expect(!refusals[0].contains("applied"), "\(refusals[0])")
        let conformance = HubConformanceTests()
        try LocalEditConformanceTests.expectSameSettlements(hubs, context: "amendments")
        try conformance.expectSameState(hubs, context: "amendments")
        try conformance.expectSamePulls(hubs, context: "amendments")
    }

    /// An amendment as both stores list it, its id left out while pending (a conflict's id,
    /// which each store numbers itself).
    static func comparable(_ view: AmendmentView) -> String {
        let id = view.status == .pending ? "" : view.id
        return
            "\(id) \(view.status) \(view.kind) \(view.record) \(view.field) \(view.proposed) \(view.approved) \(view.node) \(view.nodeOrg ?? "") \(view.madeAt) \(view.approvedBy ?? "") \(view.reason ?? "") \(view.decider ?? "") \(view.decidedAt ?? "")"
    }
}
