import Foundation
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// What a county hands one township when it pulls: records owned in the township's line (its
/// own, corrected above, or shared down), never a sibling's and never what the township made
/// itself, and cursors that skip nothing however small the pages.
@Suite final class PullScopeTests {
    let directory: URL
    let county: TierSyncNode
    let township: TierSyncNode
    let sibling: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-pull-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        county = try TierSyncNode.create(path: directory.path + "/county.db", org: "520201")
        township = try TierSyncNode.create(path: directory.path + "/t.db", org: "520201101")
        sibling = try TierSyncNode.create(path: directory.path + "/s.db", org: "520201102")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func contact(_ node: TierSyncNode, _ name: String, org: String? = nil, share: String? = nil) throws -> String {
        var values = ["role": "信息员", "name": name, "phone": "13900000001"]
        if let share { values["share"] = share }
        return try node.add(.contact, org: org, values: values).id.rawValue
    }

    /// The township as an enrolled child of the county.
    func enrolled() throws -> ChildNode {
        let code = try county.issueEnrollment(for: township.org.code).code
        let credential = try county.acceptEnrollment(code: code, node: township.store.node.id.rawValue).credential
        return try county.authenticate(credential: credential)
    }

    /// Every record id a pull from 0 in pages of `limit` hands the township, and the cursors.
    func pulled(_ child: ChildNode, limit: Int) throws -> (records: Set<String>, cursors: [Int64], last: Int64) {
        var records: Set<String> = []
        var cursors: [Int64] = []
        var after: Int64 = 0
        while true {
            let page = try county.pullPage(for: child, after: after, limit: limit) {
                records.insert($0.record.rawValue)
            }
            cursors.append(page.upTo)
            if page.upTo >= page.last { return (records, cursors, page.last) }
            #expect(page.upTo > after, "a page moves the cursor forward")
            after = page.upTo
        }
    }

    @Test("a township's pull holds its line only, in whole pages or one change at a time")
    func line() throws {
        _ = try contact(township, "示例·本镇")
        _ = try contact(sibling, "示例·邻镇")
        try sendBundle(township, county, in: directory)
        try sendBundle(sibling, county, in: directory)
        let corrected = try contact(county, "示例·县为本镇录入", org: "520201101")
        let shared = try contact(county, "示例·县共享", share: "subtree")
        _ = try contact(county, "示例·县自用")
        _ = try contact(county, "示例·县为邻镇录入", org: "520201102")
        let child = try enrolled()

        let whole = try pulled(child, limit: 500)
        #expect(whole.records == [corrected, shared])
        #expect(whole.cursors == [whole.last], "one page reaches the log's end")
        let single = try pulled(child, limit: 1)
        #expect(single.records == whole.records)
        #expect(single.cursors.last == whole.last)
    }

    @Test("a pull from the log's end answers nothing and stays there")
    func fromTheEnd() throws {
        _ = try contact(county, "示例·县共享", share: "subtree")
        let child = try enrolled()
        let end = try county.store.lastSequence()
        let page = try county.pullPage(for: child, after: end, limit: 10) { _ in Issue.record("nothing is left") }
        #expect(page.upTo == end && page.last == end)
    }
}
