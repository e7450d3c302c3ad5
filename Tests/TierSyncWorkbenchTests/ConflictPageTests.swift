import Foundation
import Testing
import TierSyncCore
import TierSyncDomain

/// `/conflicts`: settling a conflict by typing a new value.
@Suite struct ConflictPageTests {
    @Test("a new value that does not fit is refused beside that conflict's form, the value typed kept; nothing settles")
    func badNewValue() async throws {
        let site = try await LiveSite()
        defer { site.stop() }
        // A phone edited here and, concurrently, at the township.
        let added = try site.node.add(.contact, values: ["role": "信息员", "name": "示例·王一", "phone": "13900000001"])
        let first = try #require(added.version(of: "phone"))
        _ = try site.node.set(.contact, id: added.id.rawValue, values: ["phone": "13900000003"])
        let township = NodeID("00000000000000aa")!
        let concurrent = FieldChange(
            table: "contact", record: added.id, org: added.org, field: "phone", value: .text("13900000002"),
            hlc: HLCTimestamp(physical: first.hlc.physical + 1, counter: 0), node: township,
            versionVector: first.versionVector.incremented(for: township))
        let report = try site.sqlite.store.write { try $0.apply([concurrent], nodes: [township: "520201101"]) }
        #expect(report.conflicts == 1, "\(report)")
        let conflict = try #require(try site.node.conflicts().first)

        let session = try #require(try await site.signIn("admin"))
        let token = try await site.csrf("/conflicts", session: session)
        let answer = try await site.post(
            "/conflicts/\(conflict.id)", [("csrf", token), ("keep", "new"), ("value", "abc")], session: session)
        #expect(answer.status == 400)
        let form = try #require(answer.body.range(of: "action=\"/conflicts/\(conflict.id)\""))
        let problem = try #require(answer.body.range(of: "id=\"problem-\(conflict.id)\""), "\(answer.body)")
        #expect(form.lowerBound < problem.lowerBound, "the reason follows the conflict's own form")
        #expect(answer.body.contains("电话“abc”格式不对"))
        #expect(answer.body.contains("value=\"abc\""), "what was typed is kept")
        #expect(answer.body.contains("<label for=\"value-\(conflict.id)\">"))
        #expect(try site.node.conflicts().map(\.id) == [conflict.id], "nothing settled")
    }
}
