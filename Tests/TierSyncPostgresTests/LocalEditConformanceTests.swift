import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// A hub's edits of its own (an upper level's corrections, a city's directives), made on a
/// SQLite node (`TierSyncNode`) and on a hub on PostgreSQL (`PostgresHub`) that hold the same
/// records, with the same node id and clock: the same records, the same conflicts settled
/// and kept, the same log for the children to pull, and the same refusals, in the same words.
@Suite(.serialized) struct LocalEditConformanceTests {
    @Test(
        "edits on top of kept conflicts, a record shared further, a delete and new records: both stores agree (seeded)")
    func editsAgree() throws {
        let seed = Editors.seed()
        var random = SplitMix64(seed: seed)
        let context = "seed \(seed)"
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 60)
        defer { hubs.postgres.store.close() }
        let filed = RecordID.random(using: &random)
        let contested = try Self.contestedContact(hubs, random: &random, filed: filed)
        // Three of its four fields settled by an edit; wechat's conflict is compared kept.
        let settled = [contested.rawValue]
        let directive = RecordID.random(using: &random)
        let contact = RecordID.random(using: &random)
        var results: [[Made]] = []
        for hub in hubs.workspaces {
            var made: [Made] = []
            for (index, id) in settled.enumerated() {
                let (record, changes) = try hub.set(
                    .contact, id: id, values: ["name": "示例·改\(index)", "phone": "1390000\(1000 + index)", "post": "科员"])
                made.append(Made(record, changes))
            }
            made.append(
                Made(try hub.add(.directive, org: nil, values: ["title": "防汛通知", "body": "各县做好防汛准备"], id: directive)))
            made.append(
                Made(
                    try hub.add(
                        .contact, org: Editors.township,
                        values: ["role": "信息员", "name": "示例·新", "phone": "13900009999"], id: contact)))
            let (unchanged, none) = try hub.set(.contact, id: contact.rawValue, values: ["phone": "13900009999"])
            made.append(Made(unchanged, none))
            let (shared, restated) = try hub.set(.contact, id: contact.rawValue, values: ["share": "subtree"])
            made.append(Made(shared, restated))
            // Shared further with its file: the attachment is restated too.
            let (sharedFiled, withFile) = try hub.set(.contact, id: filed.rawValue, values: ["share": "children"])
            #expect(withFile.contains { $0.table == "attachment" }, "\(storeName(hub)): \(withFile.map(\.table))")
            made.append(Made(sharedFiled, withFile))
            try hub.delete(.contact, id: contact.rawValue)
            results.append(made)
        }
        #expect(results[0] == results[1], "\(context)")
        for id in settled {
            let open = try hubs.postgres.store.openConflicts().filter { $0.record == id }.map(\.field)
            #expect(open == ["wechat"], "\(context): \(id) \(open)")
        }
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: context)
        try conformance.expectSamePulls(hubs, context: context)
        try Self.expectSameSettlements(hubs, context: context)
    }

    @Test(
        "kept conflicts resolved (keep current, keep other, a new value; a settled one refused): both stores agree (seeded)"
    )
    func resolutionsAgree() throws {
        let seed = Editors.seed()
        var random = SplitMix64(seed: seed)
        let context = "seed \(seed)"
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 40)
        defer { hubs.postgres.store.close() }
        let contact = try Self.contestedContact(hubs, random: &random)
        // One conflict a field: resolving one ends every version kept for its field.
        let open = try hubs.sqlite.store.read { db in
            try ConflictRow.fetchAll(
                db,
                sql:
                    "SELECT * FROM conflict WHERE settled_hlc IS NULL AND record = ? AND kind = 'concurrent' ORDER BY field",
                arguments: [contact.rawValue])
        }.reduce(into: [ConflictRow]()) { rows, row in
            if !rows.contains(where: { $0.field == row.field }) { rows.append(row) }
        }
        try #require(open.map(\.field) == ["name", "phone", "post", "wechat"], "\(context): \(open)")
        let rows = Array(open.prefix(3))  // wechat's is compared kept
        // The same conflict on PostgreSQL, whose ids are its own.
        func key(_ row: ConflictRow) -> String { "\(row.tbl) \(row.record) \(row.field) \(row.node) \(row.hlc)" }
        let onPostgres = Dictionary(try hubs.postgres.store.openConflicts().map { (key($0), $0.id!) }) { first, _ in
            first
        }
        let resolutions: [TierSyncNode.Resolution] = [.keepCurrent, .keepOther, .value("示例·定")]
        var records: [[StoredRecord]] = [[], []]
        var refusals: [String] = []
        for (row, resolution) in zip(rows, resolutions) {
            let other = try #require(onPostgres[key(row)], "\(context): \(key(row)) not kept on PostgreSQL")
            let value = row.field == "phone" ? "13900002222" : "示例·定"
            let chosen = resolution == .value("示例·定") ? .value(value) : resolution
            records[0].append(try hubs.sqlite.resolveConflict(row.id!, chosen))
            records[1].append(try hubs.postgres.resolveConflict(other, chosen))
            // Settled now: resolving it again is refused, alike.
            for attempt in [
                { try hubs.sqlite.resolveConflict(row.id!, .keepCurrent) },
                { try hubs.postgres.resolveConflict(other, .keepCurrent) },
            ] {
                do {
                    _ = try attempt()
                    Issue.record("\(context): a settled conflict was resolved again")
                } catch {
                    refusals.append(
                        "\(error)".replacingOccurrences(of: " \(row.id!) ", with: " ").replacingOccurrences(
                            of: " \(other) ", with: " "))
                }
            }
        }
        #expect(records[0] == records[1], "\(context)")
        #expect(refusals.count == 6 && refusals[0].contains("resolved by node"), "\(context): \(refusals)")
        for pair in stride(from: 0, to: refusals.count, by: 2) {
            #expect(refusals[pair] == refusals[pair + 1], "\(context)")
        }
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: context)
        try conformance.expectSamePulls(hubs, context: context)
        try Self.expectSameSettlements(hubs, context: context)
    }

    @Test(
        "approvals from above: approved, corrected by the approver, unapproved, and refused alike (own unit's, twice, children first)"
    )
    func approvalsAgree() throws {
        var random = SplitMix64(seed: 29)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 40)
        defer { hubs.postgres.store.close() }
        // A task of the township and one of its county, entered there (with the children-first
        // rule, the county's waits for the townships' tasks: only 大河镇's is approved).
        let (township, county) = (hubs.editors.editors[0], hubs.editors.editors[1])
        let tasks = (RecordID.random(using: &random), RecordID.random(using: &random))
        for (editor, id, org) in [(township, tasks.0, Editors.township), (county, tasks.1, "520201")] {
            try editor.write { writer in
                try writer.insert(
                    table: "task", id: id, org: org,
                    fields: [
                        "title": .text("示例·排查隐患"), "deadline": .text("2026-12-31"), "status": .text("open"),
                    ])
            }
        }
        _ = try Self.contestedContact(hubs, random: &random)
        let ownTask = RecordID.random(using: &random)
        var results: [[StoredRecord]] = []
        var refusals: [[String]] = []
        for hub in hubs.workspaces {
            var made: [StoredRecord] = []
            made.append(try hub.approve(.task, id: tasks.0.rawValue, note: "同意"))
            made.append(try hub.set(.task, id: tasks.0.rawValue, values: ["title": "示例·排查隐患（更正）"]).0)
            made.append(try hub.unapprove(.task, id: tasks.0.rawValue, note: "重新办理"))
            made.append(try hub.approve(.task, id: tasks.0.rawValue, note: nil))
            let own = try hub.add(.task, org: nil, values: ["title": "示例·省级任务", "deadline": "2026-12-31"], id: ownTask)
            let refused = Self.outcomes([
                { _ = try hub.approve(.task, id: tasks.0.rawValue, note: nil) },
                { _ = try hub.approve(.task, id: own.id.rawValue, note: nil) },
                { _ = try hub.approve(.contact, id: tasks.1.rawValue, note: nil) },
                { _ = try hub.unapprove(.task, id: tasks.1.rawValue, note: nil) },
                {
                    try hub.setApprovalRule(.task, childrenFirst: true)
                    _ = try hub.approve(.task, id: tasks.1.rawValue, note: nil)
                },
            ])
            results.append(made)
            refusals.append(refused)
        }
        #expect(results[0] == results[1])
        #expect(refusals[0] == refusals[1])
        #expect(!refusals[0].contains("applied"), "\(refusals[0])")
        #expect(
            refusals[0].last?.contains("not approved yet: 520201011") == true, "\(refusals[0].joined(separator: "\n"))")
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: "approvals")
        try conformance.expectSamePulls(hubs, context: "approvals")
    }

    @Test("a wrong value, an unknown org or record, a deleted record, an event edited: refused alike, nothing written")
    func refusalsAlike() throws {
        var random = SplitMix64(seed: 23)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        try Self.pushEverything(hubs, random: &random)
        let contacts = try hubs.sqlite.list(.contact).map(\.id.rawValue)
        try #require(contacts.count >= 2)
        let unknown = RecordID.random(using: &random).rawValue
        var answers: [[String]] = []
        for hub in hubs.workspaces {
            try hub.delete(.contact, id: contacts[1])
            let before = try hub.lastSequence()
            let attempts: [() throws -> Void] = [
                { _ = try hub.set(.contact, id: contacts[0], values: ["phone": "139000011"]) },
                { _ = try hub.set(.contact, id: contacts[0], values: ["colour": "red"]) },
                {
                    _ = try hub.add(
                        .contact, org: "999999", values: ["role": "信息员", "name": "示例", "phone": "13900000001"], id: nil)
                },
                { _ = try hub.add(.contact, org: nil, values: ["name": "示例·缺角色"], id: nil) },
                { _ = try hub.set(.contact, id: unknown, values: ["phone": "13900000001"]) },
                { _ = try hub.set(.contact, id: "not-an-id", values: ["phone": "13900000001"]) },
                { _ = try hub.set(.contact, id: contacts[1], values: ["phone": "13900000001"]) },
                { try hub.delete(.contact, id: contacts[1]) },
                { _ = try hub.set(.stockEvent, id: unknown, values: ["quantity": "1"]) },
            ]
            let refusals = Self.outcomes(attempts)
            #expect(!refusals.contains("applied"), "\(storeName(hub)): \(refusals)")
            #expect(try hub.lastSequence() == before, "\(storeName(hub)): a refused edit wrote to the log")
            answers.append(refusals)
        }
        #expect(answers[0] == answers[1])
    }

    @Test("a hub made before its store held the schema's vocabulary gets it at open, and takes share=children")
    func schemaVocabularyAdded() throws {
        let database = try PostgresScratchDatabase()
        let made = try PostgresHub.create(
            address: database.address, org: "520200", logger: PostgresScratchDatabase.silent)
        try made.store.write { session in
            try session.query("DELETE FROM vocabulary WHERE kind IN ('share', 'task-status', 'directive-kind')")
        }
        made.store.close()
        let hub = try PostgresHub.open(address: database.address, logger: PostgresScratchDatabase.silent)
        defer { hub.store.close() }
        #expect(hub.vocabulary.terms(of: "share").map(\.key) == ["subtree", "children", "none"])
        let contact = try hub.add(.contact, values: ["role": "信息员", "name": "示例·甲", "phone": "13900000001"])
        #expect(
            try hub.set(.contact, id: contact.id.rawValue, values: ["share": "直属下级"]).0["share"] == .text("children"))
    }
}
