import Foundation
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// Records shared downward across city, county and township: how far they reach, read-only
/// below, sharing further later or not at all, bootstrap copies, and directives with their
/// receipts coming back up.
@Suite final class SharingTests {
    let directory: URL
    let city: TierSyncNode
    let county: TierSyncNode
    let township: TierSyncNode
    let sibling: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-sharing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path
        city = try TierSyncNode.create(path: path + "/city.db", org: "520200")
        county = try TierSyncNode.create(path: path + "/c.db", org: "520201")
        township = try TierSyncNode.create(path: path + "/t.db", org: "520201101")
        sibling = try TierSyncNode.create(path: path + "/s.db", org: "520203")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func send(_ from: TierSyncNode, _ to: TierSyncNode) throws { try sendBundle(from, to, in: directory) }

    /// City to counties to township, each answered with a bundle back (which acknowledges
    /// what arrived, so that later bundles follow the log).
    func down() throws {
        for (from, to) in [(city, county), (city, sibling), (county, township)] {
            try send(from, to)
            try send(to, from)
        }
    }

    func up() throws {
        try send(township, county)
        try send(county, city)
    }

    func expert(_ share: String) throws -> String {
        try city.add(
            .contact, values: ["role": "专家", "name": "示例·专家", "phone": "13900000009", "hazard": "地质灾害", "share": share]
        ).id.rawValue
    }

    @Test(
        "shared with the subtree: every unit below gets it, read-only, and lists it only when asked for shared records")
    func subtree() throws {
        let id = try expert("subtree")
        try down()
        for node in [county, township, sibling] {
            #expect(try node.list(.contact, shared: true).map(\.id.rawValue) == [id], "at \(node.org.code)")
            #expect(try node.list(.contact).isEmpty, "not among the unit's own")
        }
        let refusal = #expect(throws: DomainError.self) {
            try self.township.set(.contact, id: id, values: ["phone": "13900000010"])
        }
        #expect(refusal?.kind == .forbidden)
        try city.set(.contact, id: id, values: ["phone": "13900000011"])
        try down()
        #expect(try township.show(.contact, id: id)["phone"] == .text("13900000011"), "edits above follow it down")
    }

    @Test("shared with the children: the counties get it, their townships do not")
    func children() throws {
        let id = try expert("children")
        try down()
        #expect(try county.list(.contact, shared: true).map(\.id.rawValue) == [id])
        #expect(try township.list(.contact, shared: true).isEmpty)
    }

    @Test("not shared at first, then shared: every field goes down; unshared again, below it leaves the shared list")
    func shareLater() throws {
        let id = try expert("none")
        try down()
        #expect(try county.list(.contact, shared: true).isEmpty)
        #expect(throws: DomainError.self) { try self.county.show(.contact, id: id) }
        try city.set(.contact, id: id, values: ["share": "subtree"])
        try down()
        let copy = try township.show(.contact, id: id)
        #expect(copy["name"] == .text("示例·专家") && copy["phone"] == .text("13900000009"), "the whole record arrived")
        try city.set(.contact, id: id, values: ["share": "none"])
        try down()
        #expect(try township.list(.contact, shared: true).isEmpty)
    }

    @Test("a new child's snapshot brings what is shared down to it")
    func snapshot() throws {
        let id = try expert("subtree")
        try city.add(.contact, values: ["role": "信息员", "name": "示例·市本级", "phone": "13900000012"])
        var records: [RecordSnapshot] = []
        let page = try city.snapshot(for: try city.peer("520201"), after: nil, limit: 100) { records.append($0) }
        #expect(records.map(\.id.rawValue) == [id], "the city's unshared records stay at the city")
        _ = try county.acceptSnapshot(
            records, from: try county.peer("520200"), peerNode: city.store.node.id.rawValue, nodes: page.nodes,
            position: page.position, next: nil)
        #expect(try county.list(.contact, shared: true).count == 1)
    }

    @Test("a directive reaches every unit below; arrival and reading come back up to the city, per unit")
    func directive() throws {
        let id = try city.add(
            .directive, values: ["title": "关于开展汛前隐患排查的通知", "kind": "notice", "deadline": "2026-12-20"]
        ).id.rawValue
        try down()
        try township.markRead(directive: id)
        try up()
        let reach = try city.directiveReach(id)
        let dahe = try #require(reach.first { $0.org == "520201101" })
        #expect(dahe.arrived != nil && dahe.read != nil && dahe.reader == "大河镇")
        #expect(reach.first { $0.org == "520201" }?.arrived != nil && reach.first { $0.org == "520201" }?.read == nil)
        #expect(reach.contains { $0.org == "520203" }, "every county is listed, whether it answered or not")
    }

    @Test("a receipt claiming another level is refused on arrival; a receipt missing its fields breaks nothing")
    func forgedReceipts() throws {
        let report = try township.add(.report, values: ["period": "2026-11-H2", "body": "本期"]).id.rawValue
        var random = SystemRandomNumberGenerator()
        try township.store.write { writer in
            try writer.insert(
                table: "receipt", id: RecordID.random(using: &random), org: "520201101",
                fields: [
                    "tbl": .text("progress_report"), "record": .text(report), "level": .text("520201"),
                    "event": .text("arrived"), "at": .text("2026-11-01T00:00:00Z"),
                ])
            try writer.insert(
                table: "receipt", id: RecordID.random(using: &random), org: "520201101", fields: ["at": .text("x")])
        }
        let applied = try sendBundle(township, county, in: directory)
        #expect(
            applied.refused.contains { $0.field == "level" && $0.reason.contains("written by a node of that level") })
        let arrivals = try county.receipts(of: report)
        #expect(arrivals.count == 1 && arrivals[0].at != "2026-11-01T00:00:00Z", "only the county's own receipt")
        #expect(try township.receipts(of: report).count == 1, "the receipt without a level is left out, not a crash")
    }
}
