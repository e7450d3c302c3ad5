import Foundation
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// Bootstrapping a new child from a snapshot: scope, forwarding what was copied, and the
/// rule that a node serves its children only once its own bootstrap is complete.
@Suite final class SnapshotExchangeTests {
    let directory: URL
    let city: TierSyncNode
    let county: TierSyncNode
    let township: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-snapshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        city = try TierSyncNode.create(path: directory.appendingPathComponent("city.db").path, org: "520200")
        county = try TierSyncNode.create(path: directory.appendingPathComponent("c.db").path, org: "520201")
        township = try TierSyncNode.create(path: directory.appendingPathComponent("t.db").path, org: "520201101")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func contact(_ name: String) -> [String: String] { ["role": "信息员", "name": name, "phone": "13900000001"] }

    /// Copies the whole snapshot `from` serves to `to`, in pages of `limit`.
    func bootstrap(_ to: TierSyncNode, from: TierSyncNode, limit: Int = 2) throws -> ApplyReport {
        let child = try from.peer(to.org.code)
        let parent = try to.peer(from.org.code)
        var report = ApplyReport()
        var key: RecordSnapshot.Key?
        repeat {
            var records: [RecordSnapshot] = []
            let page = try from.snapshot(for: child, after: key, limit: limit) { records.append($0) }
            report.add(
                try to.acceptSnapshot(
                    records, from: parent, peerNode: from.store.node.id.rawValue, nodes: page.nodes,
                    position: page.position, next: page.next))
            key = page.next
        } while key != nil
        return report
    }

    @Test("a child's snapshot holds its subtree's records and the nodes that can have edited them, never a sibling's")
    func scope() throws {
        try city.add(.contact, org: "520201", values: contact("示例·县"))
        try city.add(.contact, org: "520201101", values: contact("示例·镇"))
        try city.add(.contact, org: "520203", values: contact("示例·邻县"))
        let sibling = NodeID("00000000000000aa")!
        try city.store.write { try $0.registerNode(sibling, org: "520203") }
        var records: [RecordSnapshot] = []
        let page = try city.snapshot(for: try city.peer("520201"), after: nil, limit: 100) { records.append($0) }
        #expect(Set(records.map(\.org)) == ["520201", "520201101"])
        #expect(page.total == 2 && page.next == nil)
        #expect(page.nodes == [city.store.node.id.rawValue: "520200"])
    }

    @Test("what a county copied from its city reaches a new township by bundle, and later edits by the log")
    func forwarding() throws {
        let record = try city.add(.contact, org: "520201101", values: contact("示例·镇"))
        let report = try bootstrap(county, from: city)
        #expect(report.records == 1 && report.refused.isEmpty)
        #expect(try county.store.lastSequence() == 0)
        #expect(try county.cursor(for: "520200").receivedSeq == city.store.lastSequence())

        let first = directory.appendingPathComponent("1.tsb").path
        #expect(try county.exportBundle(to: "520201101", path: first).changes == 4)
        _ = try township.importBundle(path: first)
        #expect(try township.show(.contact, id: record.id.rawValue)["name"] == .text("示例·镇"))
    }

    @Test("a page holding a record outside the node's subtree is refused whole")
    func outsideScope() throws {
        try city.add(.contact, org: "520201", values: contact("示例·县"))
        try city.add(.contact, org: "520203", values: contact("示例·邻县"))
        var all: [RecordSnapshot] = []
        for county in ["520203", "520201"] {
            _ = try city.snapshot(for: try city.peer(county), after: nil, limit: 100) { all.append($0) }
        }
        #expect {
            try county.acceptSnapshot(
                all, from: try county.peer("520200"), peerNode: city.store.node.id.rawValue, nodes: [:], position: 1,
                next: nil)
        } throws: { "\($0)".contains("outside 520201") }
        #expect(try county.list(.contact).isEmpty)
    }

    @Test("a node whose first sync with its parent is not complete serves its children nothing yet")
    func notBootstrapped() throws {
        try county.link(
            to: "http://127.0.0.1:1", org: "520200", node: city.store.node.id.rawValue, credential: "x.y")
        #expect {
            try county.snapshot(for: try county.peer("520201101"), after: nil, limit: 10) { _ in }
        } throws: { ($0 as? DomainError)?.kind == .unavailable }
        #expect {
            try county.exportBundle(to: "520201101", path: directory.appendingPathComponent("b.tsb").path)
        } throws: { "\($0)".contains("has not finished its first sync") }
        let township = ChildNode(
            id: "00000000000000bb", org: "520201101", credentialHash: "x", enrolledAt: "2026-11-29")
        #expect {
            try county.pullPage(for: township, after: 0, limit: 10) { _ in }
        } throws: { ($0 as? DomainError)?.kind == .unavailable }
        try county.recordSync(error: nil)
        #expect(try county.snapshot(for: try county.peer("520201101"), after: nil, limit: 10) { _ in }.next == nil)
    }
}
