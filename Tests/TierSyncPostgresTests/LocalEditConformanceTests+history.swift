import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// What the conformance suites of a hub's own edits share: the outcomes of attempts, the
/// settled conflicts compared, and a history with a contested contact pushed to both hubs.
extension LocalEditConformanceTests {
    /// What became of each attempt: "applied", or the refusal's words.
    static func outcomes(_ attempts: [() throws -> Void]) -> [String] {
        attempts.map { attempt in
            do {
                try attempt()
                return "applied"
            } catch {
                return "\(error)"
            }
        }
    }

    /// The settled conflicts, with how and by which version each was settled: the same on
    /// both stores (`expectSameState` compares the open ones).
    static func expectSameSettlements(_ hubs: HubConformanceTests.Hubs, context: String) throws {
        let columns = "tbl, record, field, node, hlc, settled_hlc, settled_node, settlement"
        let onSQLite = try hubs.sqlite.store.read { db in
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM conflict WHERE settled_hlc IS NOT NULL").map {
                "\(Array($0.databaseValues))"
            }.sorted()
        }
        let onPostgres = try hubs.postgres.store.read { session in
            try session.rows("SELECT \(columns) FROM conflict WHERE settled_hlc IS NOT NULL").map { row in
                "\((0..<8).map { (row[$0] as FieldValue).databaseValue })"
            }.sorted()
        }
        #expect(!onSQLite.isEmpty, "\(context): nothing was settled")
        #expect(
            onPostgres == onSQLite,
            "\(context): only SQLite's \(onSQLite.filter { !onPostgres.contains($0) }), only PostgreSQL's \(onPostgres.filter { !onSQLite.contains($0) })"
        )
    }

    /// A contact the township made, then edited at the township and at its county at once
    /// (four fields in conflict), pushed to both hubs with the rest of the editors' history;
    /// and `filed`, a contact with a file's attachment record on it.
    static func contestedContact(
        _ hubs: HubConformanceTests.Hubs, random: inout SplitMix64, filed: RecordID? = nil
    ) throws -> RecordID {
        let (township, county) = (hubs.editors.editors[0], hubs.editors.editors[1])
        let contact = RecordID.random(using: &random)
        let first: [String: FieldValue] = [
            "role": .text("information-officer"), "name": .text("示例·甲"), "phone": .text("13900000001"),
            "post": .text("科员"), "wechat": .text("wx-jia"),
        ]
        try township.write { try $0.insert(table: "contact", id: contact, org: Editors.township, fields: first) }
        if let filed {
            // Another contact, with a file's attachment record on it.
            try township.write { try $0.insert(table: "contact", id: filed, org: Editors.township, fields: first) }
            try township.write { writer in
                try writer.insert(
                    table: "attachment", id: RecordID.random(using: &random), org: Editors.township,
                    fields: [
                        "record_kind": .text("contact"), "record_id": .text(filed.rawValue),
                        "name": .text("名片.jpg"), "media_type": .text("image/jpeg"), "size": .integer(3),
                        "sha256": .text(String(repeating: "ab", count: 32)),
                    ])
            }
        }
        let made = try Editors.log(township).filter { $0.record == contact }
        _ = try county.write { try $0.apply(made, nodes: hubs.editors.orgs) }
        for (editor, name) in [(township, "乙"), (county, "丙")] {
            try editor.write { writer in
                try writer.update(
                    table: "contact", id: contact,
                    fields: [
                        "name": .text("示例·\(name)"), "phone": .text("1390000000\(name == "乙" ? 2 : 3)"),
                        "post": .text("\(name)岗"), "wechat": .text("wx-\(name)"),
                    ])
            }
        }
        try pushEverything(hubs, random: &random)
        return contact
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
    static func pushEverything(_ hubs: HubConformanceTests.Hubs, random: inout SplitMix64) throws {
        let peer = try hubs.sqlite.peer("520200")
        let logs =
            try hubs.editors.editors.map(Editors.log) + [HubConformanceTests.report(by: hubs.editors, random: &random)]
        let pushes = logs.enumerated().map { index, changes in
            TierSyncNode.Push(
                changes: changes, peer: peer, peerNode: hubs.city.sqlite.id, nodes: hubs.senders, upTo: Int64(index + 1)
            )
        }
        for result in try hubs.sqlite.acceptAll(pushes) + hubs.postgres.acceptAll(pushes) { _ = try result.get() }
    }
}
