import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncPostgres
import TierSyncStore

/// What a peer pulls from the log: from any cursor, for any line of the tree, whole or cut
/// short, SQLite and PostgreSQL give the same changes and the same next cursor.
@Suite(.serialized) struct PullConformanceTests {
    /// The whole log, the township (its own records and its county's), its sibling (the
    /// county's only), the county and the city.
    static let lines: [String?] = [
        nil, "520000/520200/520201/520201101", "520000/520200/520201/520201102", "520000/520200/520201",
        "520000/520200",
    ]

    @Test("pulls from every cursor, line and length agree (seeded)")
    func pullsAgree() throws {
        let seed = Editors.seed()
        var random = SplitMix64(seed: seed)
        let backends = try Backends(random: &random)
        defer { try? backends.close() }
        let (sqlite, postgres, orgs) = (backends.sqlite, backends.postgres, backends.editors.orgs)
        // A record of the county's own, whatever the random history made (some draws make
        // none): the sibling's line holds it.
        try backends.editors.editors[1].write { writer in
            try writer.insert(
                table: "contact", id: RecordID.random(using: &random), org: "520201",
                fields: ["role": .text("information-officer"), "name": .text("示例·县")])
        }
        var changes = try backends.editors.editors.flatMap { try Editors.log($0) }
        changes.shuffle(using: &random)
        for batch in changes.chunked(25) {
            _ = try sqlite.write { try $0.apply(batch, nodes: orgs) }
            _ = try postgres.apply(batch, nodes: orgs)
        }
        let newest = try sqlite.lastSequence()
        #expect(newest > 0)
        var sibling = 0
        try postgres.forEachChange(after: 0, line: Self.lines[2]) { _ in
            sibling += 1
            return true
        }
        let all = try postgres.loggedChanges().count
        #expect(sibling > 0 && sibling < all, "the sibling's line holds only the county's records")
        for line in Self.lines {
            for cursor in [0, newest / 3, newest / 2, newest] {
                for limit in [Int.max, 1, 7] {
                    let context = "seed \(seed), line \(line ?? "all"), after \(cursor), at most \(limit)"
                    var fromSQLite: [FieldChange] = []
                    let sqliteNext = try sqlite.read { db in
                        try sqlite.forEachChange(after: cursor, db: db, line: line) { change in
                            guard fromSQLite.count < limit else { return false }
                            fromSQLite.append(change)
                            return true
                        }
                    }
                    var fromPostgres: [FieldChange] = []
                    let postgresNext = try postgres.forEachChange(after: cursor, line: line) { change in
                        guard fromPostgres.count < limit else { return false }
                        fromPostgres.append(change)
                        return true
                    }
                    #expect(fromPostgres == fromSQLite, "\(context)")
                    #expect(postgresNext == sqliteNext, "\(context)")
                }
            }
        }
    }
}
