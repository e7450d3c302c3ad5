import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Two stores open on one PostgreSQL database, each with its own connections as two hub
/// processes have, apply overlapping pushes at the same time. The writer lock serializes
/// them, so the result is what one SQLite node gives for the same pushes one after another:
/// the same records and open conflicts, every change logged once.
@Suite(.serialized) struct ConcurrentWritersTests {
    @Test("overlapping pushes through two stores at once: nothing lost, nothing logged twice, SQLite's conflicts")
    func overlappingPushes() async throws {
        var random = SplitMix64(seed: 23)
        // Twice the usual steps: a short history now and then holds no concurrent edit.
        let backends = try Backends(random: &random, steps: 160)
        defer { try? backends.close() }
        let (folder, sqlite, first) = (backends.editors, backends.sqlite, backends.postgres)
        let second = try PostgresStore.open(
            address: backends.database.address, policies: RecordKind.mergePolicies, wallClock: folder.clock)
        defer { second.close() }
        // Each editor's log in pages of 5; the middle editor's pages go through both stores.
        let pages = try folder.editors.map { editor in
            try Editors.log(editor).chunked(5)
        }
        let throughFirst = pages[0] + pages[1]
        let throughSecond = pages[1].reversed() + pages[2]
        let orgs = folder.orgs
        async let a = Self.push(throughFirst, to: first, nodes: orgs)
        async let b = Self.push(throughSecond, to: second, nodes: orgs)
        let (fromFirst, fromSecond) = try await (a, b)
        for page in throughFirst + throughSecond { _ = try sqlite.write { try $0.apply(page, nodes: orgs) } }

        // Which changes apply depends on the order (one made on top of another, arriving
        // first, makes the other already known); what is shown and kept does not.
        let logged = try first.loggedChanges().map { "\($0.record) \($0.field) \($0.hlc) \($0.node)" }
        #expect(Set(logged).count == logged.count, "a change logged twice")
        #expect(fromFirst + fromSecond == logged.count, "applied across both stores, each logged once")
        for name in Editors.tables {
            let table = try #require(sqlite.tables[name])
            let records = try sqlite.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                    try StoredRecord(table: table, row: $0)
                }
            }
            #expect(try second.records(of: table).map(Self.shown) == records.map(Self.shown), "\(name)")
        }
        let conflicts = try sqlite.read { db in
            try ConflictRow.fetchAll(db, sql: "SELECT * FROM conflict WHERE settled_hlc IS NULL ORDER BY id")
        }
        // The versions kept; whether each needs a person's review can depend on whether an
        // approval had arrived before it, so it is not compared across orders.
        func kept(_ row: ConflictRow) -> String {
            "\(row.kind) \(row.tbl) \(row.record) \(row.field) \(row.value) \(row.hlc) \(row.node) \(row.vv)"
        }
        #expect(Set(try first.openConflicts().map(kept)) == Set(conflicts.map(kept)))
        #expect(!conflicts.isEmpty, "the history had no conflict to compare")
    }

    /// What a record shows: its org, tombstone and field values.
    static func shown(_ record: StoredRecord) -> String {
        "\(record.id) \(record.org) \(record.deleted) "
            + record.fields.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
    }

    /// Applies `pages` in order through `store`, off the cooperative pool's threads.
    static func push(_ pages: [[FieldChange]], to store: PostgresStore, nodes: [NodeID: String]) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result { try pages.reduce(0) { $0 + (try store.apply($1, nodes: nodes).applied) } })
            }
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
