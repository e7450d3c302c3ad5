import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// What a PostgreSQL hub sends in bulk (a group's log entries as one array a column, its
/// records as multi-row upserts) reads back exactly as a SQLite hub stores it: text with
/// tabs, line breaks, backslashes, quotes and braces (an array's own syntax), nulls and reals.
@Suite(.serialized) struct BulkWriteConformanceTests {
    static let texts = [
        "tab\there", "two\nlines", "carriage\rreturn", #"back\slash"#, #"\N"#, #"\\N"#, "\\\t\n", "应急\t联络\\员",
        " ", "end\\", #"{"quoted", "braces"}"#, "NULL", "'single'", "t",
    ]
    static let reals = [0.1, 1e-300, 1.7976931348623157e308, -2.5, 123_456_789.123_456_78, 5e-324, 3.0, -0.0, 1e-05]

    @Test(
        "a group's texts with tabs, line breaks, backslashes and \\N, and its reals, are stored and logged exactly, alike on both stores"
    )
    func sentExactly() throws {
        var random = SplitMix64(seed: 21)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 5)
        defer { hubs.postgres.store.close() }
        let sender = try #require(hubs.editors.orgs.first { $0.value == "520201" }?.key)
        let start = hubs.editors.clock.nowMilliseconds()
        var changes: [FieldChange] = []
        func change(_ table: String, _ record: RecordID, _ field: String, _ value: FieldValue) {
            changes.append(
                FieldChange(
                    table: table, record: record, org: "520201", field: field, value: value,
                    hlc: HLCTimestamp(physical: start, counter: UInt16(changes.count)), node: sender,
                    versionVector: VersionVector([sender: UInt64(changes.count + 1)])))
        }
        for text in Self.texts {
            let record = RecordID.random(using: &random)
            change("contact", record, "name", .text(text))
            change("contact", record, "phone", .text(text + text))
        }
        for number: Int64 in [Int64.min, -1, 0, Int64.max] {
            change("drill", RecordID.random(using: &random), "participants", .integer(number))
        }
        // A whole number in a REAL field is kept as a real (SQLite's affinity), past 2^53 too.
        change("stock_event", RecordID.random(using: &random), "quantity", .integer(9_007_199_254_740_993))
        for real in Self.reals {
            let record = RecordID.random(using: &random)
            change("stock_event", record, "quantity", .real(real))
            change("stock_event", record, "delta", .real(-real))
            change("stock_event", record, "site", .null)
        }
        for (hub, credential) in hubs.withCityCredential {
            let results = try hub.acceptPushes([
                ChildPush(credential: credential, changes: Array(changes.prefix(9)), nodes: hubs.senders, upTo: 1),
                ChildPush(credential: credential, changes: Array(changes.dropFirst(9)), nodes: hubs.senders, upTo: 2),
            ])
            for result in results { #expect(try result.get().report.refused.isEmpty, "\(result)") }
        }
        for name in ["contact", "stock_event", "drill"] {
            let table = try #require(hubs.sqlite.store.tables[name])
            let onSQLite = try hubs.sqlite.store.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                    try StoredRecord(table: table, row: $0)
                }
            }
            #expect(try hubs.postgres.store.records(of: table) == onSQLite, "\(name)")
        }
        let names = try hubs.postgres.store.records(of: try #require(hubs.postgres.store.tables["contact"]))
            .compactMap { record -> String? in if case .text(let name) = record["name"] { name } else { nil } }
        #expect(Set(Self.texts).isSubset(of: Set(names)))
        var logged: [FieldChange] = []
        _ = try hubs.sqlite.store.forEachChange(after: 0) {
            logged.append($0)
            return true
        }
        // Logged as applied: the whole number in a REAL field as a real.
        let sent = Set(changes.map(\.record))
        let loggedOnPostgres = try hubs.postgres.store.loggedChanges().filter { sent.contains($0.record) }
        #expect(loggedOnPostgres.count == changes.count)
        #expect(loggedOnPostgres == logged.filter { sent.contains($0.record) })
    }

    @Test("a group of 10,500 new records goes in several statements, in order: the same records and log on both stores")
    func sentInParts() async throws {
        // Seconds of synchronous work: on a thread of its own, not one of the two that the
        // suite's live hubs answer their clients on; checked back here, in the test.
        let sent = try await onThreadOfItsOwn { try Self.sendInParts() }
        #expect(sent.applied == [[6_000, 4_500], [6_000, 4_500]])
        #expect(sent.records.postgres == sent.records.sqlite)
        #expect(sent.records.sqlite.count >= 10_500)
        #expect(sent.logged.postgres == sent.changes)
        #expect(sent.logged.sqlite == sent.changes)
    }

    /// What `sentInParts` checks: the pushes' applied counts on each store, their records and
    /// the log entries of the changes sent, in log order.
    struct SentInParts: Sendable {
        var applied: [[Int]] = []
        var records: (sqlite: [StoredRecord], postgres: [StoredRecord]) = ([], [])
        var logged: (sqlite: [FieldChange], postgres: [FieldChange]) = ([], [])
        var changes: [FieldChange] = []
    }

    static func sendInParts() throws -> SentInParts {
        var random = SplitMix64(seed: 23)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 3)
        defer { hubs.postgres.store.close() }
        guard let sender = hubs.editors.orgs.first(where: { $0.value == "520201" })?.key,
            let table = hubs.sqlite.store.tables["contact"]
        else { throw StoreError.unknownTable("contact", known: []) }
        let start = hubs.editors.clock.nowMilliseconds()
        var sent = SentInParts()
        sent.changes = (0..<10_500).map { index in
            FieldChange(
                table: "contact", record: RecordID.random(using: &random), org: "520201", field: "name",
                value: .text("示例·\(index)"), hlc: HLCTimestamp(physical: start - 20_000 + Int64(index), counter: 0),
                node: sender, versionVector: VersionVector([sender: 1]))
        }
        for (hub, credential) in hubs.withCityCredential {
            let results = try hub.acceptPushes([
                ChildPush(
                    credential: credential, changes: Array(sent.changes.prefix(6_000)), nodes: hubs.senders, upTo: 1),
                ChildPush(
                    credential: credential, changes: Array(sent.changes.dropFirst(6_000)), nodes: hubs.senders,
                    upTo: 2),
            ])
            sent.applied.append(try results.map { try $0.get().report.applied })
        }
        sent.records.sqlite = try hubs.sqlite.store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM contact ORDER BY id").map {
                try StoredRecord(table: table, row: $0)
            }
        }
        sent.records.postgres = try hubs.postgres.store.records(of: table)
        let ids = Set(sent.changes)
        _ = try hubs.sqlite.store.forEachChange(after: 0) {
            if ids.contains($0) { sent.logged.sqlite.append($0) }
            return true
        }
        sent.logged.postgres = try hubs.postgres.store.loggedChanges().filter(ids.contains)
        return sent
    }

    /// Runs `body` on a new thread and waits for it without holding a thread of Swift's
    /// cooperative pool.
    func onThreadOfItsOwn<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Value, any Error>) in
            Thread { done.resume(with: Result { try body() }) }.start()
        }
    }
}
