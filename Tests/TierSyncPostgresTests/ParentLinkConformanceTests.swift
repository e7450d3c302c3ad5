import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncProtocol
import TierSyncStore

/// A city that takes its scope from the province, once as a SQLite node (`TierSyncNode`) and
/// once as a hub on PostgreSQL (`PostgresHub`), the same node: fed the same snapshot pages
/// and the same pulls, both end with the same records, conflicts, receipts and cursors, and
/// have the same to send up; both compare checkpoints with the parent alike.
@Suite(.serialized) struct ParentLinkConformanceTests {
    /// The province, which holds the editors' histories, and the city on both stores.
    struct Cities {
        let editors: Editors
        let database: PostgresScratchDatabase
        let province: TierSyncNode
        let sqlite: TierSyncNode
        let postgres: PostgresHub

        init(random: inout SplitMix64) throws {
            editors = try Editors(random: &random, steps: 160)
            database = try PostgresScratchDatabase()
            province = try TierSyncNode.create(
                path: editors.folder.appendingPathComponent("province.db").path, org: "520000",
                wallClock: editors.clock)
            // What the city pushed before it was replaced: the editors' histories.
            let senders = Dictionary(uniqueKeysWithValues: editors.orgs.map { ($0.key.rawValue, $0.value) })
            _ = try province.accept(
                try editors.editors.flatMap { try Editors.log($0) }, from: try province.peer("520200"),
                peerNode: editors.editors[2].node.id.rawValue, nodes: senders, upTo: 1)
            _ = try province.add(
                .directive, values: ["title": "关于开展汛前隐患排查的通知", "kind": "notice", "deadline": "2026-12-20"])
            var ids = SplitMix64(seed: 7)
            let id = NodeID.random(using: &ids)
            sqlite = try TierSyncNode.create(
                path: editors.folder.appendingPathComponent("city.db").path, org: "520200",
                wallClock: editors.clock, nodeID: id)
            postgres = try PostgresHub.create(
                address: database.address, org: "520200", nodeID: id, wallClock: editors.clock,
                logger: PostgresScratchDatabase.silent)
            for city in [sqlite, postgres] as [any SyncChild] {
                try city.link(
                    to: "http://province.invalid", org: "520000", node: province.store.node.id.rawValue,
                    credential: "unused")
            }
        }

        var both: [any SyncChild] { [sqlite, postgres] }
    }

    @Test("a bootstrap in pages of any size, then pulls of the province's edits: both cities agree (seeded)")
    func bootstrapAndPulls() throws {
        let seed = Editors.seed()
        var random = SplitMix64(seed: seed)
        let cities = try Cities(random: &random)
        defer { cities.postgres.store.close() }
        let context = "seed \(seed)"
        let peer = try cities.province.peer("520200")
        let parent = try cities.sqlite.peer("520000")
        let provinceNode = cities.province.store.node.id.rawValue
        var key: RecordSnapshot.Key?
        repeat {
            var records: [RecordSnapshot] = []
            let page = try cities.province.snapshot(
                for: peer, after: key, limit: Int.random(in: 1...9, using: &random)
            ) { records.append($0) }
            let reports = try cities.both.map {
                try $0.acceptSnapshot(
                    records, from: parent, peerNode: provinceNode, nodes: page.nodes, position: page.position,
                    next: page.next, later: page.later)
            }
            #expect(reports[0].records == reports[1].records && reports[1].refused.isEmpty, "\(context)")
            key = page.next
        } while key != nil
        try expectSameState(cities, context: "\(context), after the bootstrap")

        // The province corrects records of the city's scope and sends another directive.
        for (index, contact) in try cities.province.list(.contact).prefix(3).enumerated() {
            _ = try cities.province.set(.contact, id: contact.id.rawValue, values: ["phone": "1392222000\(index)"])
        }
        _ = try cities.province.add(
            .directive, values: ["title": "关于报送应急物资储备情况的通知", "kind": "notice", "deadline": "2026-12-30"])
        while true {
            let after = try cities.sqlite.cursor(for: "520000").receivedSeq
            #expect(try cities.postgres.cursor(for: "520000").receivedSeq == after, "\(context)")
            var changes: [FieldChange] = []
            let (upTo, senders) = try cities.province.outgoing(
                to: peer, after: after, limit: Int.random(in: 1...5, using: &random)
            ) { changes.append($0) }
            guard upTo > after else { break }
            let nodes = Dictionary(uniqueKeysWithValues: senders.map { ($0.key.rawValue, $0.value) })
            let reports = try cities.both.map {
                try $0.accept(changes, from: parent, peerNode: provinceNode, nodes: nodes, upTo: upTo)
            }
            #expect(reports[0] == reports[1], "\(context), after \(after)")
        }
        try expectSameState(cities, context: "\(context), after the pulls")
    }

    @Test("a parent restored from a backup: both cities resend and pull again from the same positions")
    func parentRestored() throws {
        var random = SplitMix64(seed: 23)
        let cities = try Cities(random: &random)
        defer { cities.postgres.store.close() }
        for city in cities.both {
            // A child's receipt to send up, sent and acknowledged; the parent's log pulled to 40.
            try city.acknowledge(org: "520000", node: cities.province.store.node.id.rawValue, upTo: 0)
            _ = try city.accept([], from: try city.peer("520000"), peerNode: "p", nodes: [:], upTo: 40)
        }
        let first = StatusResponse(
            protocolVersion: 1, node: "p", org: "520000", lastSequence: 50, receivedFromYou: 0,
            epoch: "aaaaaaaaaaaaaaaa",
            epochSince: 0, hubTime: 1_764_000_000_000)
        let restored = StatusResponse(
            protocolVersion: 1, node: "p", org: "520000", lastSequence: 30, receivedFromYou: 0,
            epoch: "bbbbbbbbbbbbbbbb",
            epochSince: 25, hubTime: 1_764_000_000_500)
        var outcomes: [[TierSyncNode.Reconciliation]] = []
        for city in cities.both {
            outcomes.append([
                try city.reconcile(with: first, sentAt: 1_764_000_000_000, receivedAt: 1_764_000_000_100),
                try city.reconcile(with: restored, sentAt: 1_764_000_000_400, receivedAt: 1_764_000_000_600),
            ])
        }
        #expect(outcomes[0] == outcomes[1])
        #expect(outcomes[1][1].pullFrom == 25, "pulled again from where the restored parent's epoch starts")
        let cursors = try cities.both.map { try $0.cursor(for: "520000") }
        #expect(cursors[0].receivedSeq == cursors[1].receivedSeq && cursors[0].epoch == cursors[1].epoch)
        let offsets = try cities.both.map { try $0.parentLink()?.clockOffsetMs }
        #expect(offsets[0] != nil && offsets[0] == offsets[1])
        // A parent that holds more of the city's log than the city has: refused on both.
        let ahead = StatusResponse(
            protocolVersion: 1, node: "p", org: "520000", lastSequence: 30, receivedFromYou: 1_000,
            epoch: "bbbbbbbbbbbbbbbb", epochSince: 25)
        for city in cities.both {
            #expect(throws: DomainError.self) { try city.reconcile(with: ahead, sentAt: 0, receivedAt: 0) }
        }
    }

    @Test("a hub made by an earlier release gains the link's and the operators' tables when opened, once")
    func earlierSchema() throws {
        let database = try PostgresScratchDatabase()
        let made = try PostgresHub.create(
            address: database.address, org: "520200", logger: PostgresScratchDatabase.silent)
        try made.store.withSession { session in
            for table in ["parent_link", "sync_attempt", "\"operator\""] { try session.query("DROP TABLE \(table)") }
        }
        made.store.close()
        #expect(throws: (any Error).self) { try PostgresStore.requireNew(address: database.address) }
        let hubs = try (0..<2).map { _ in
            try PostgresHub.open(address: database.address, logger: PostgresScratchDatabase.silent)
        }
        defer { for hub in hubs { hub.store.close() } }
        #expect(try hubs[0].parentLink() == nil && hubs[1].syncAttempts(limit: 1).isEmpty)
        _ = try hubs[1].addOperator(name: "示例·值班")
        #expect(try hubs[0].operators().count == 1)
    }

    /// The same records (receipts without their ids and stamps), conflicts, cursor, and the
    /// same changes to send up.
    func expectSameState(_ cities: Cities, context: String) throws {
        let store = cities.sqlite.store
        for name in Editors.tables + ["directive"] {
            let table = try #require(store.tables[name])
            let onSQLite = try store.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                    try StoredRecord(table: table, row: $0)
                }
            }
            #expect(!onSQLite.isEmpty, "\(context): no \(name)")
            let onPostgres = try cities.postgres.store.records(of: table)
            let differing = zip(onSQLite, onPostgres).first { $0 != $1 }.map { "\($0)\n  ≠ \($1)" }
            #expect(
                onPostgres.count == onSQLite.count && differing == nil,
                "\(context): \(name), \(onSQLite.count) and \(onPostgres.count) records: \(differing ?? "")")
        }
        let receipts = try #require(store.tables["receipt"])
        let onSQLite = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM receipt").map { try StoredRecord(table: receipts, row: $0) }
        }
        #expect(!onSQLite.isEmpty, "\(context): the directive's arrival was noted")
        #expect(
            try cities.postgres.store.records(of: receipts).map(HubConformanceTests.receipt).sorted()
                == onSQLite.map(HubConformanceTests.receipt).sorted(), "\(context)")
        let conflicts = try store.read { db in
            try ConflictRow.fetchAll(db, sql: "SELECT * FROM conflict WHERE settled_hlc IS NULL ORDER BY id")
        }
        #expect(!conflicts.isEmpty, "\(context): the history kept no conflict to copy")
        #expect(
            try cities.postgres.store.openConflicts().map(MergeConformanceTests.comparable).sorted()
                == conflicts.map(MergeConformanceTests.comparable).sorted(), "\(context)")
        let cursors = try cities.both.map { try $0.cursor(for: "520000") }
        #expect(cursors[0].receivedSeq == cursors[1].receivedSeq, "\(context)")
        #expect(cursors[0].snapshotPosition == nil && cursors[1].snapshotPosition == nil, "\(context)")
        // Up goes what the city made (its receipts), not what it copied from the province.
        let up = try cities.both.map { city in
            var changes: [String] = []
            let parent = try city.peer("520000")
            try city.outgoing(to: parent, after: try city.cursor(for: "520000").ackedSeq, limit: .max) {
                changes.append(HubConformanceTests.pulled($0))
            }
            return changes.sorted()
        }
        #expect(up[0] == up[1], "\(context)")
        #expect(!up[0].isEmpty && up[0].allSatisfy { $0.hasPrefix("receipt") }, "\(context): \(up[0])")
    }
}
