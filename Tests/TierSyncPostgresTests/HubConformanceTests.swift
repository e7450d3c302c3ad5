import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// A province hub on SQLite (`TierSyncNode`) and one on PostgreSQL (`PostgresHub`), the
/// same node, fed the same pushes from their city in the same groups, answer the same:
/// every push applied or refused alike, with the same reports; the same records, conflicts
/// and receipts; the same pulls, snapshot and status for the city.
@Suite(.serialized) struct HubConformanceTests {
    /// The two hubs, with the city enrolled on both.
    struct Hubs {
        let editors: Editors
        let database: PostgresScratchDatabase
        let sqlite: TierSyncNode
        let postgres: PostgresHub
        let city: (sqlite: ChildNode, postgres: ChildNode)
        /// The city's credential on each hub (each issues its own secret).
        let cityCredential: (sqlite: String, postgres: String)

        /// Both hubs as a person's commands see them, SQLite first.
        var workspaces: [any NodeWorkspace] { [sqlite, postgres] }

        /// Each hub with the city's credential on it, SQLite first.
        var withCityCredential: [(hub: any SyncHub, credential: String)] {
            [(sqlite, cityCredential.sqlite), (postgres, cityCredential.postgres)]
        }

        init(random: inout SplitMix64, steps: Int = 80) throws {
            editors = try Editors(random: &random, steps: steps)
            database = try PostgresScratchDatabase()
            var ids = SplitMix64(seed: 42)
            let id = NodeID.random(using: &ids)
            sqlite = try TierSyncNode.create(
                path: editors.folder.appendingPathComponent("province.db").path, org: "520000",
                wallClock: editors.clock, nodeID: id)
            postgres = try PostgresHub.create(
                address: database.address, org: "520000", nodeID: id, wallClock: editors.clock,
                logger: PostgresScratchDatabase.silent)
            let cityNode = editors.editors[2].node.id.rawValue
            let onSQLite = try sqlite.acceptEnrollment(
                code: try sqlite.issueEnrollment(for: "520200").code, node: cityNode)
            let onPostgres = try postgres.acceptEnrollment(
                code: try postgres.issueEnrollment(for: "520200").code, node: cityNode)
            cityCredential = (onSQLite.credential, onPostgres.credential)
            city = (
                try sqlite.authenticate(credential: onSQLite.credential),
                try postgres.authenticate(credential: onPostgres.credential)
            )
        }

        /// What the city declares of the nodes whose changes it pushes.
        var senders: [String: String] {
            Dictionary(uniqueKeysWithValues: editors.orgs.map { ($0.key.rawValue, $0.value) })
        }
    }

    @Test("pushes from the city, grouped at random, some refused: both hubs agree (seeded)")
    func pushesAgree() throws {
        let seed = Editors.seed()
        var random = SplitMix64(seed: seed)
        // Twice the usual steps: a short history now and then holds no concurrent edit.
        let hubs = try Hubs(random: &random, steps: 160)
        defer { hubs.postgres.store.close() }
        let context = "seed \(seed)"
        var changes = try hubs.editors.editors.flatMap { try Editors.log($0) }
        changes += try Self.report(by: hubs.editors, random: &random)
        changes += changes.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }  // some twice
        changes.shuffle(using: &random)
        let peer = try hubs.sqlite.peer("520200")
        var pushes: [TierSyncNode.Push] = []
        while !changes.isEmpty {
            let batch = Array(changes.prefix(Int.random(in: 1...30, using: &random)))
            changes.removeFirst(batch.count)
            pushes.append(
                .init(
                    changes: batch, peer: peer, peerNode: hubs.city.sqlite.id, nodes: hubs.senders,
                    upTo: Int64(pushes.count + 1)))
        }
        // A push of a record outside the city's subtree is refused whole, on both.
        var outside = pushes[0]
        outside.changes[0].org = "520000"
        pushes.insert(outside, at: pushes.count / 2)
        var refusedWhole = 0
        while !pushes.isEmpty {
            let group = Array(pushes.prefix(Int.random(in: 1...4, using: &random)))
            pushes.removeFirst(group.count)
            let fromSQLite = try hubs.sqlite.acceptAll(group)
            let fromPostgres = try hubs.postgres.acceptAll(group)
            for (one, other) in zip(fromSQLite, fromPostgres) {
                switch (one, other) {
                case (.success(let one), .success(let other)): #expect(one == other, "\(context)")
                case (.failure(let one), .failure(let other)):
                    #expect("\(one)" == "\(other)", "\(context)")
                    refusedWhole += 1
                default: Issue.record("\(context): one hub applied a push the other refused: \(one) / \(other)")
                }
            }
        }
        #expect(refusedWhole == 1, "\(context)")
        try expectSameState(hubs, context: context)
        try expectSamePulls(hubs, context: context)
    }

    @Test("a text holding NUL is refused alike, alone, and the rest of the group applies")
    func nulRefused() throws {
        var random = SplitMix64(seed: 17)
        let hubs = try Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        let peer = try hubs.sqlite.peer("520200")
        var changes = try Editors.log(hubs.editors.editors[0])
        let index = try #require(changes.firstIndex { $0.field == "name" })
        changes[index].value = .text("示例\u{0}名")
        let pushes = [
            TierSyncNode.Push(
                changes: changes, peer: peer, peerNode: hubs.city.sqlite.id, nodes: hubs.senders, upTo: 1),
            TierSyncNode.Push(
                changes: try Editors.log(hubs.editors.editors[1]), peer: peer, peerNode: hubs.city.sqlite.id,
                nodes: hubs.senders, upTo: 2),
        ]
        let one = try hubs.sqlite.acceptAll(pushes).map { try $0.get() }
        let other = try hubs.postgres.acceptAll(pushes).map { try $0.get() }
        #expect(one == other)
        #expect(other[0].refused.map(\.description).contains { $0.contains("NUL") }, "\(other[0].refused)")
        #expect(other[0].applied > 0, "the rest of the push applied beside the refused change")
    }

    /// The same records (receipts without their own ids and stamps), conflicts and status.
    func expectSameState(_ hubs: Hubs, context: String) throws {
        let store = hubs.sqlite.store
        for name in Editors.tables + ["progress_report"] {
            let table = try #require(store.tables[name])
            let onSQLite = try store.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                    try StoredRecord(table: table, row: $0)
                }
            }
            #expect(try hubs.postgres.store.records(of: table) == onSQLite, "\(context): \(name)")
        }
        let receipts = try #require(store.tables["receipt"])
        let onSQLite = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM receipt").map { try StoredRecord(table: receipts, row: $0) }
        }
        #expect(!onSQLite.isEmpty, "\(context): the report's arrival was noted")
        #expect(
            try hubs.postgres.store.records(of: receipts).map(Self.receipt).sorted()
                == onSQLite.map(Self.receipt).sorted(),
            "\(context)")
        let conflicts = try store.read { db in
            try ConflictRow.fetchAll(db, sql: "SELECT * FROM conflict WHERE settled_hlc IS NULL ORDER BY id")
        }
        #expect(!conflicts.isEmpty, "\(context): the history had no conflict to compare")
        #expect(
            try hubs.postgres.store.openConflicts().map(MergeConformanceTests.comparable).sorted()
                == conflicts.map(MergeConformanceTests.comparable).sorted(), "\(context)")
        // What a person reviews (`tiersync conflicts list`) is the same too.
        func reviewed(_ views: [ConflictView]) -> [String] {
            views.map { view in
                [
                    view.kind, view.table, view.record, view.field, "\(view.current)", "\(view.other)",
                    "\(view.needsReview)",
                ]
                .joined(separator: " ")
            }.sorted()
        }
        // Open conflicts whose versions hold the shown value, or that are pending amendments,
        // are not listed (nothing to choose); a history may hold only those
        // (seed 1304907720167954060), so the lists may both be empty.
        let listed = try hubs.sqlite.conflicts()
        #expect(try reviewed(hubs.postgres.conflicts()) == reviewed(listed), "\(context)")
        // What an operator sees of the city (`tiersync nodes`).
        #expect(try hubs.postgres.childHealth() == hubs.sqlite.childHealth(), "\(context)")
        #expect(
            try hubs.postgres.status(for: hubs.city.postgres).lastSequence
                == (try hubs.sqlite.status(for: hubs.city.sqlite).lastSequence), "\(context)")
        #expect(
            try hubs.postgres.status(for: hubs.city.postgres).receivedFromYou
                == (try hubs.sqlite.status(for: hubs.city.sqlite).receivedFromYou), "\(context)")
    }

    /// What the city pulls, from several cursors and page sizes, and its snapshot: the
    /// same, receipts compared without their ids and stamps.
    func expectSamePulls(_ hubs: Hubs, context: String) throws {
        let last = try hubs.sqlite.status(for: hubs.city.sqlite).lastSequence
        for after in [0, last / 2, last] {
            for limit in [1, 7, 5_000] {
                var fromSQLite: [FieldChange] = []
                let one = try hubs.sqlite.pullPage(for: hubs.city.sqlite, after: after, limit: limit) {
                    fromSQLite.append($0)
                }
                var fromPostgres: [FieldChange] = []
                let other = try hubs.postgres.pullPage(for: hubs.city.postgres, after: after, limit: limit) {
                    fromPostgres.append($0)
                }
                let where_ = "\(context), after \(after), at most \(limit)"
                #expect(other.upTo == one.upTo && other.last == one.last, "\(where_)")
                #expect(fromPostgres.map(Self.pulled) == fromSQLite.map(Self.pulled), "\(where_)")
                #expect(Set(other.senders.keys) == Set(one.senders.keys), "\(where_)")
            }
        }
        // The city's pulls hold the receipts the province wrote of its township's report.
        var receipts = 0
        try hubs.postgres.pullPage(for: hubs.city.postgres, after: 0, limit: 5_000) {
            if $0.table == "receipt" { receipts += 1 }
        }
        #expect(receipts > 0, "\(context)")
        for limit in [3, 5_000] {
            let (one, other) = (
                try Self.snapshot(hubs.sqlite, limit: limit), try Self.snapshot(hubs.postgres, limit: limit)
            )
            #expect(
                other == one,
                "\(context), snapshot pages of \(limit): only SQLite's \(one.filter { !other.contains($0) }), only PostgreSQL's \(other.filter { !one.contains($0) })"
            )
        }
    }

    /// The city's whole snapshot, read page by page: the first page's node list, total and
    /// position, the number of pages, and every record (receipts without ids and stamps,
    /// which also place them differently in the pages).
    static func snapshot(_ hub: some SyncHub, limit: Int) throws -> [String] {
        let city = try hub.peer("520200")
        var key: RecordSnapshot.Key?
        var records: [String] = []
        var header: [String] = []
        repeat {
            let page = try hub.snapshot(for: city, after: key, limit: limit) { record in
                // Rows kept in one step (a delete's) may be numbered in either order.
                var record = record
                record.kept.sort { "\($0)" < "\($1)" }
                records.append(
                    record.table == "receipt"
                        ? "receipt \(record.org) "
                            + record.fields.filter { $0.name != "at" }.map { "\($0.value)" }.sorted().joined(
                                separator: " ")
                        : "\(record)")
            }
            if key == nil {
                header = ["\(page.nodes.sorted { $0.key < $1.key })", "\(page.total ?? -1)", "\(page.position)"]
            }
            header.append("page")
            key = page.next
        } while key != nil
        return header + records.sorted()
    }

    /// A township's progress report, as changes its city pushes: its arrival is noted.
    static func report(by editors: Editors, random: inout SplitMix64) throws -> [FieldChange] {
        let township = editors.editors[0]
        try township.write { writer in
            try writer.insert(
                table: "progress_report", id: RecordID.random(using: &random), org: Editors.township,
                fields: ["period": .text("2026-11"), "body": .text("示例进度"), "submitted_at": .text("2026-11-30")])
        }
        return try Editors.log(township).filter { $0.table == "progress_report" }
    }

    /// A receipt without what each hub draws for itself: its id and stamps.
    static func receipt(_ record: StoredRecord) -> String {
        "\(record.org) \(record.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
    }

    /// A pulled change, a receipt's without its record id, stamp and vector.
    static func pulled(_ change: FieldChange) -> String {
        change.table == "receipt"
            ? "receipt \(change.org) \(change.field) \(change.field == "record" || change.field == "at" ? "" : "\(change.value)")"
            : "\(change)"
    }
}
