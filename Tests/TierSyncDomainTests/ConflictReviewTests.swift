import Foundation
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// Conflict review as a county officer does it: what is listed, which policy flags review,
/// and each way of resolving.
@Suite final class ConflictReviewTests {
    let directory: URL
    let township: TierSyncNode
    let county: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        township = try TierSyncNode.create(path: directory.appendingPathComponent("t.db").path, org: "520201101")
        county = try TierSyncNode.create(path: directory.appendingPathComponent("c.db").path, org: "520201")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func exchange() throws {
        for (from, to) in [(township, county), (county, township)] { try sendBundle(from, to, in: directory) }
    }

    /// A record of `kind` made at the township, known at the county, then edited at both.
    func conflicting(
        _ kind: RecordKind, _ values: [String: String], field: String, township a: String, county b: String
    ) throws -> String {
        let id = try township.add(kind, values: values).id.rawValue
        try exchange()
        try township.set(kind, id: id, values: [field: a])
        try county.set(kind, id: id, values: [field: b])
        try exchange()
        return id
    }

    @Test("contacts' conflicts need review; an owner-wins drill's are settled by policy, the owner's value shown")
    func reviewFlag() throws {
        _ = try conflicting(
            .contact, ["role": "信息员", "name": "示例", "phone": "13900000001"], field: "phone", township: "13900000002",
            county: "13900000003")
        _ = try conflicting(
            .drill, ["title": "演练", "kind": "tabletop", "date": "2026-06-01", "participants": "10"],
            field: "participants",
            township: "12", county: "15")
        for node in [township, county] {
            let conflicts = try node.conflicts()
            #expect(conflicts.count == 2)
            #expect(conflicts.first { $0.table == "contact" }?.needsReview == true)
            let drill = try #require(conflicts.first { $0.table == "drill" })
            #expect(
                drill.needsReview == false && drill.current.value == .integer(12) && drill.current.org == "520201101")
        }
    }

    @Test("resolving with a new value checks it like any edit, and settles the conflict on both nodes")
    func resolveWithValue() throws {
        let id = try conflicting(
            .contact, ["role": "信息员", "name": "示例", "phone": "13900000001"], field: "phone", township: "13900000002",
            county: "13900000003")
        let conflict = try #require(try county.conflicts().first)
        #expect { try county.resolveConflict(conflict.id, .value("123")) } throws: {
            "\($0)".contains("invalid phone '123'")
        }
        try county.resolveConflict(conflict.id, .value("13900000009"))
        try exchange()
        for node in [township, county] {
            #expect(try node.conflicts().isEmpty)
            #expect(try node.show(.contact, id: id)["phone"] == .text("13900000009"))
        }
        // Both keep the history; the resolving node also knows how it was resolved.
        let history = try township.conflicts(includeSettled: true)
        #expect(history.count == 1 && history[0].settled?.org == "520201")
        #expect(try county.conflicts(includeSettled: true).first?.settled?.how.contains("new value") == true)
        #expect { try county.resolveConflict(conflict.id, .keepCurrent) } throws: { "\($0)".contains("was settled") }
    }

    @Test("a delete concurrent with an edit is listed; keeping the edit restores the record everywhere")
    func deleteConflict() throws {
        let id = try township.add(.contact, values: ["role": "信息员", "name": "示例", "phone": "13900000001"]).id.rawValue
        try exchange()
        try township.delete(.contact, id: id)
        try county.set(.contact, id: id, values: ["phone": "13900000005"])
        try exchange()
        let conflict = try #require(try county.conflicts().first)
        #expect(conflict.kind == "deleted-while-edited" && conflict.field == "phone" && conflict.needsReview)
        #expect(try county.list(.contact).isEmpty)
        #expect { try county.resolveConflict(conflict.id, .value("x")) } throws: { "\($0)".contains("--keep other") }
        try county.resolveConflict(conflict.id, .keepOther)
        try exchange()
        for node in [township, county] {
            #expect(try node.list(.contact).map { $0["phone"] } == [.text("13900000005")])
            #expect(try node.conflicts().isEmpty)
        }
    }

    @Test(
        "a township PC whose clock is 30 h ahead has its changes refused, named with its skew; a wider bound accepts them"
    )
    func clockSkew() throws {
        let ahead = try TierSyncNode.create(
            path: directory.appendingPathComponent("ahead.db").path, org: "520201102",
            wallClock: FixedWallClock(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 30 * 3_600_000))
        try ahead.add(.contact, values: ["role": "信息员", "name": "示例", "phone": "13900000001"])
        let path = directory.appendingPathComponent("ahead.tsb").path
        try ahead.exportBundle(to: "520201", path: path)
        let refused = try county.importBundle(path: path).report
        #expect(refused.applied == 0 && refused.refused.count == 4)
        #expect(
            refused.refused[0].node == ahead.store.node.id.rawValue && refused.refused[0].reason.contains(" h ")
                && refused.refused[0].reason.contains("ahead of this node's clock"))
        let accepted = try county.importBundle(path: path, skewBound: 48 * 3_600_000).report
        #expect(accepted.applied == 4)
    }
}
