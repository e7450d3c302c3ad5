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
        // A history where two live contacts kept conflicts (most draws; not all).
        var hubs = try HubConformanceTests.Hubs(random: &random, steps: 160)
        var contested = try Self.pushEverything(hubs, random: &random)
        while contested.count < 2 {
            hubs.postgres.store.close()
            hubs = try HubConformanceTests.Hubs(random: &random, steps: 160)
            contested = try Self.pushEverything(hubs, random: &random)
        }
        defer { hubs.postgres.store.close() }
        // Half of them settled by an edit, so that some are compared kept.
        let settled = Array(contested.prefix(contested.count / 2))
        let directive = RecordID.random(using: &random)
        let contact = RecordID.random(using: &random)
        var results: [[Made]] = []
        for hub in [Editing.sqlite(hubs.sqlite), .postgres(hubs.postgres)] {
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
            try hub.delete(.contact, id: contact.rawValue)
            results.append(made)
        }
        #expect(results[0] == results[1], "\(context)")
        for id in settled {
            let open = try hubs.postgres.store.openConflicts().filter { $0.record == id }.map(\.field)
            #expect(Set(open).isDisjoint(with: ["name", "phone", "post"]), "\(context): \(id) \(open)")
        }
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: context)
        try conformance.expectSamePulls(hubs, context: context)
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
        for hub in [Editing.sqlite(hubs.sqlite), .postgres(hubs.postgres)] {
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
            var refusals: [String] = []
            for attempt in attempts {
                do {
                    try attempt()
                    refusals.append("applied")
                } catch {
                    refusals.append("\(error)")
                }
            }
            #expect(!refusals.contains("applied"), "\(hub): \(refusals)")
            #expect(try hub.lastSequence() == before, "\(hub): a refused edit wrote to the log")
            answers.append(refusals)
        }
        #expect(answers[0] == answers[1])
    }

    /// A record an edit returned, with the fields it changed.
    struct Made: Equatable {
        let record: StoredRecord
        let fields: [String]

        init(_ record: StoredRecord, _ changes: [FieldChange] = []) {
            (self.record, fields) = (record, changes.map(\.field))
        }
    }

    /// Every change of the three editors and a township's report, pushed by the city to
    /// both hubs.
    ///
    /// - Returns: the live contacts that kept a conflict, by id.
    @discardableResult
    static func pushEverything(_ hubs: HubConformanceTests.Hubs, random: inout SplitMix64) throws -> [String] {
        let peer = try hubs.sqlite.peer("520200")
        let logs =
            try hubs.editors.editors.map(Editors.log) + [HubConformanceTests.report(by: hubs.editors, random: &random)]
        let pushes = logs.enumerated().map { index, changes in
            TierSyncNode.Push(
                changes: changes, peer: peer, peerNode: hubs.city.sqlite.id, nodes: hubs.senders, upTo: Int64(index + 1)
            )
        }
        for result in try hubs.sqlite.acceptAll(pushes) + hubs.postgres.acceptAll(pushes) { _ = try result.get() }
        let kept = try hubs.sqlite.store.read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT record FROM conflict WHERE settled_hlc IS NULL AND tbl = 'contact'")
        }
        let live = Set(try hubs.sqlite.list(.contact).map(\.id.rawValue))
        return kept.filter(live.contains).sorted()
    }

    /// The edits a hub takes, on either store.
    enum Editing: CustomStringConvertible {
        case sqlite(TierSyncNode)
        case postgres(PostgresHub)

        var description: String {
            switch self {
            case .sqlite: "SQLite"
            case .postgres: "PostgreSQL"
            }
        }

        func add(_ kind: RecordKind, org: String?, values: [String: String], id: RecordID?) throws -> StoredRecord {
            switch self {
            case .sqlite(let node): try node.add(kind, org: org, values: values, id: id)
            case .postgres(let hub): try hub.add(kind, org: org, values: values, id: id)
            }
        }

        func set(_ kind: RecordKind, id: String, values: [String: String]) throws -> (StoredRecord, [FieldChange]) {
            switch self {
            case .sqlite(let node): try node.set(kind, id: id, values: values)
            case .postgres(let hub): try hub.set(kind, id: id, values: values)
            }
        }

        func delete(_ kind: RecordKind, id: String) throws {
            switch self {
            case .sqlite(let node): try node.delete(kind, id: id)
            case .postgres(let hub): try hub.delete(kind, id: id)
            }
        }

        func lastSequence() throws -> Int64 {
            switch self {
            case .sqlite(let node): try node.lastSequence()
            case .postgres(let hub): try hub.lastSequence()
            }
        }
    }
}
