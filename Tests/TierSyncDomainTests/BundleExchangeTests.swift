import Foundation
import Testing
import TierSyncCore
import TierSyncProtocol
import TierSyncStore

@testable import TierSyncDomain

/// Sync by file between a township, its county and the city: scope, acknowledgement,
/// refusal of bad bundles, and convergence in any order.
@Suite final class BundleExchangeTests {
    let directory: URL
    let township: TierSyncNode
    let county: TierSyncNode
    let city: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-bundles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        township = try TierSyncNode.create(path: directory.appendingPathComponent("t.db").path, org: "520201101")
        county = try TierSyncNode.create(path: directory.appendingPathComponent("c.db").path, org: "520201")
        city = try TierSyncNode.create(path: directory.appendingPathComponent("city.db").path, org: "520200")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Exports from `from` to `to` and imports it there.
    @discardableResult
    func send(_ from: TierSyncNode, _ to: TierSyncNode, name: String = UUID().uuidString) throws -> ApplyReport {
        try sendBundle(from, to, in: directory, name: name)
    }

    func contact(_ phone: String) -> [String: String] { ["role": "信息员", "name": "示例·王一", "phone": phone] }

    @Test("a township's records reach the city through its county, and the city's edits come back down")
    func upAndDown() throws {
        let record = try township.add(.contact, values: contact("13900000001"))
        try send(township, county)
        try send(county, city)
        #expect(try city.show(.contact, id: record.id.rawValue)["phone"] == .text("13900000001"))
        try city.set(.contact, id: record.id.rawValue, values: ["phone": "13900000002"])
        try send(city, county)
        try send(county, township)
        #expect(try township.show(.contact, id: record.id.rawValue)["phone"] == .text("13900000002"))
    }

    @Test("what a peer acknowledged is not sent again; what it did not is")
    func acknowledgement() throws {
        try township.add(.contact, values: contact("13900000001"))
        let first = try township.exportBundle(to: "520201", path: file("1.tsb"))
        #expect(first.changes == 4)
        // Lost on the way: the next bundle sends it again.
        #expect(try township.exportBundle(to: "520201", path: file("2.tsb")).changes == 4)
        _ = try county.importBundle(path: file("2.tsb"))
        try send(county, township)  // carries the county's acknowledgement back
        #expect(try township.exportBundle(to: "520201", path: file("3.tsb")).changes == 0)
        // Importing an old bundle again changes nothing.
        let replay = try county.importBundle(path: file("1.tsb")).report
        #expect(replay.applied == 0 && replay.alreadyKnown == 4)
    }

    @Test("a task's close-out from the level that set it wins over the township's concurrent status edit")
    func taskCloseOut() throws {
        let task = try township.add(.task, values: ["title": "完成镇应急物资库改造", "deadline": "2026-10-31"])
        try send(township, county)
        try township.set(.task, id: task.id.rawValue, values: ["status": "cancelled", "note": "改由县里统筹"])
        try county.set(.task, id: task.id.rawValue, values: ["status": "closed", "closed_on": "2026-11-05"])
        try send(township, county)
        try send(county, township)
        for node in [township, county] {
            let shown = try node.show(.task, id: task.id.rawValue)
            #expect(shown["status"] == .text("closed") && shown["closed_on"] == .text("2026-11-05"))
            #expect(shown["note"] == .text("改由县里统筹"), "the township's own fields are kept")
        }
    }

    @Test("a bundle for another org is refused")
    func wrongAddressee() throws {
        try township.add(.contact, values: contact("13900000001"))
        try township.exportBundle(to: "520201", path: file("b.tsb"))
        #expect { try city.importBundle(path: file("b.tsb")) } throws: { "\($0)".contains("this one is for 520201") }
    }

    @Test("a bundle from a child holding a record outside its subtree is refused whole, and nothing applied")
    func childOutsideScope() throws {
        try township.add(.contact, values: contact("13900000001"))
        // A damaged or hostile township node writes a record of a sibling township.
        try township.store.write { writer in
            var random = SystemRandomNumberGenerator()
            try writer.insert(
                table: "contact", id: RecordID.random(using: &random), org: "520201102", fields: ["name": .text("x")])
        }
        try township.exportBundle(to: "520201", path: file("b.tsb"))
        #expect { try county.importBundle(path: file("b.tsb")) } throws: {
            "\($0)".contains("520201102") && "\($0)".contains("nothing of this batch was applied")
        }
        #expect(try county.list(.contact).isEmpty)
    }

    @Test("bundles go only to the parent or a child")
    func onlyNeighbours() throws {
        #expect { try township.exportBundle(to: "520200", path: file("x.tsb")) } throws: {
            "\($0)".contains("this node's parent (520201)")
        }
    }

    @Test("a township, its county and the city converge whatever order bundles travel in, with conflicts listed alike")
    func anyOrder() throws {
        let record = try township.add(.contact, values: contact("13900000001"))
        try send(township, county)
        try send(county, city)
        try township.set(.contact, id: record.id.rawValue, values: ["phone": "13900000011", "post": "镇应急办"])
        try county.set(.contact, id: record.id.rawValue, values: ["phone": "13900000022"])
        try city.set(.contact, id: record.id.rawValue, values: ["post": "市应急局"])
        let townshipBundle = try township.exportBundle(to: "520201", path: file("t.tsb"))
        let cityBundle = try city.exportBundle(to: "520201", path: file("city.tsb"))
        // The county receives the city's bundle first, then the township's, twice.
        _ = try county.importBundle(path: cityBundle.path)
        _ = try county.importBundle(path: townshipBundle.path)
        _ = try county.importBundle(path: townshipBundle.path)
        for _ in 0..<2 {
            try send(county, city)
            try send(county, township)
            try send(township, county)
            try send(city, county)
        }
        let shown = try [township, county, city].map { try $0.show(.contact, id: record.id.rawValue).fields }
        #expect(shown[0] == shown[1] && shown[1] == shown[2])
        let conflicts = try [township, county, city].map {
            try $0.conflicts().map { "\($0.field) \($0.other.value)" }.sorted()
        }
        #expect(conflicts[0] == conflicts[1] && conflicts[1] == conflicts[2] && !conflicts[0].isEmpty, "\(conflicts)")
    }

    @Test("compaction drops superseded entries and a new peer still receives the latest version of every field")
    func compaction() throws {
        let record = try township.add(.contact, values: contact("13900000001"))
        for phone in ["13900000002", "13900000003", "13900000004"] {
            try township.set(.contact, id: record.id.rawValue, values: ["phone": phone])
        }
        #expect(try township.store.compactLog() == 3)
        let report = try send(township, county)
        #expect(report.applied == 4)
        #expect(try county.show(.contact, id: record.id.rawValue)["phone"] == .text("13900000004"))
    }
}
