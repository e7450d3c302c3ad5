import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// The lock proven by a property: whatever a township, its county and the city do to one
/// report (edits, approvals, unapprovals, decisions on amendments), and however their logs
/// travel (in log order, as the protocol sends them, cut at random points, repeated), once
/// everything has been exchanged every level shows the same record and the same pending
/// amendments, and no accepted edit is lost.
@Suite struct ApprovalConvergenceTests {
    @Test(
        "random edits, approvals and decisions on three levels, exchanged in random cut prefixes, converge with nothing lost (seeded)"
    )
    func converge() throws {
        // TIERSYNC_TEST_SEED replays a failure printed by an earlier run.
        let seed =
            ProcessInfo.processInfo.environment["TIERSYNC_TEST_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)
        for round in 0..<25 {
            try Round(random: &random).run(&random, context: "seed \(seed), round \(round)")
        }
    }
}

/// One round: three nodes on temporary files and one township report.
private struct Round {
    let directory: URL
    let township: TierSyncNode, county: TierSyncNode, city: TierSyncNode
    var nodes: [TierSyncNode] { [township, county, city] }

    init(random: inout SplitMix64) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-lockprop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path
        township = try TierSyncNode.create(path: path + "/t.db", org: "520201101")
        county = try TierSyncNode.create(path: path + "/c.db", org: "520201")
        city = try TierSyncNode.create(path: path + "/y.db", org: "520200")
    }

    func run(_ random: inout SplitMix64, context: String) throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = try township.add(.report, values: ["period": "2026-11-H2", "body": "初稿"]).id.rawValue
        try ship(township, county, fraction: 1)
        try ship(county, city, fraction: 1)
        for step in 0..<40 {
            let text = "v\(step)"
            switch random.next() % 9 {
            case 0, 1: _ = try? township.set(.report, id: id, values: ["body": text])
            case 2: _ = try? county.set(.report, id: id, values: ["body": text])
            case 3: _ = try? city.set(.report, id: id, values: ["body": text])
            case 4: _ = try? (random.next() % 2 == 0 ? county : city).approve(.report, id: id)
            case 5: _ = try? (random.next() % 2 == 0 ? county : city).unapprove(.report, id: id)
            case 6 where random.next() % 3 == 0:
                // A conflict settled by hand upstairs: the approval's own fields included, so a
                // local write that changes the approval ranks the record's kept versions again.
                let decider = random.next() % 2 == 0 ? county : city
                let open = try decider.store.read { db in
                    try Int64.fetchAll(
                        db,
                        sql: "SELECT id FROM conflict WHERE record = ? AND kind = 'concurrent' AND settled_hlc IS NULL",
                        arguments: [id])
                }
                if let row = open.randomElement(using: &random) {
                    _ = try? decider.resolveConflict(row, random.next() % 2 == 0 ? .keepOther : .keepCurrent)
                }
            case 6:
                for decider in [county, city] {
                    guard let pending = try decider.amendments(includeDecided: false).first else { continue }
                    _ =
                        try?
                        (random.next() % 2 == 0
                        ? decider.acceptAmendment(pending.id) : decider.rejectAmendment(pending.id, reason: "不符"))
                }
            default:
                let (from, to) = [(township, county), (county, township), (county, city), (city, county)][
                    Int(random.next() % 4)]
                try ship(from, to, fraction: Double(random.next() % 101) / 100, context: context)
            }
        }
        for _ in 0..<3 {
            for (from, to) in [(township, county), (county, city), (city, county), (county, township)] {
                try ship(from, to, fraction: 1, context: context)
            }
        }
        try check(id, context: context)
    }

    /// Sends the first `fraction` of `from`'s log to `to`, in log order, as one batch.
    func ship(_ from: TierSyncNode, _ to: TierSyncNode, fraction: Double, context: String = "") throws {
        var changes: [FieldChange] = []
        try from.store.forEachChange(after: 0) {
            changes.append($0); return true
        }
        let senders = Dictionary(uniqueKeysWithValues: nodes.map { ($0.store.node.id, $0.org.code) })
        let prefix = Array(changes.prefix(Int((Double(changes.count) * fraction).rounded())))
        let report = try to.store.write { writer in try writer.apply(prefix, nodes: senders) }
        #expect(report.refused.isEmpty, "\(context): refused \(report.refused)")
    }

    /// The record's open conflicts at `node`: kind, field, version and whether it needs review.
    static func openConflicts(_ node: TierSyncNode, _ id: String) throws -> Set<String> {
        try node.store.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT kind || ' ' || field || ' ' || node || ' ' || hlc || ' ' || needs_review FROM conflict
                        WHERE record = ? AND settled_hlc IS NULL
                        """, arguments: [id]))
        }
    }

    func check(_ id: String, context: String) throws {
        let shown = try nodes.map { try $0.show(.report, id: id) }
        for (node, record) in zip(nodes, shown) {
            #expect(record.fields == shown[0].fields, "\(context): \(node.org.code) shows \(record.fields)")
            let pending = try node.amendments(includeDecided: false).map {
                [$0.field, $0.proposed.description, $0.node, $0.madeAt]
            }
            let first = try township.amendments(includeDecided: false).map {
                [$0.field, $0.proposed.description, $0.node, $0.madeAt]
            }
            #expect(Set(pending) == Set(first), "\(context): pending amendments differ at \(node.org.code)")
            // Which versions are kept, and which of them ask for a person's review, is part of
            // the state, not of the order the changes came in.
            #expect(
                try Self.openConflicts(node, id) == Self.openConflicts(township, id),
                "\(context): open conflicts differ at \(node.org.code)")
        }
        // Nothing lost: every edit anyone made is shown, made on top of by what is shown, or kept.
        var made: [FieldChange] = []
        for node in nodes {
            try node.store.forEachChange(after: 0) { change in
                if change.record.rawValue == id && change.node == node.store.node.id { made.append(change) }
                return true
            }
        }
        for node in nodes {
            let record = try node.show(.report, id: id)
            let kept = try node.store.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT node, hlc FROM conflict WHERE record = ? AND settled_hlc IS NULL", arguments: [id]
                ).map { ($0[0] as String, $0[1] as Int64) }
            }
            for change in made {
                let current = record.version(of: change.field)?.versionVector ?? VersionVector()
                let isKept = kept.contains { $0.0 == change.node.rawValue && $0.1 == change.hlc.rawValue }
                #expect(
                    change.versionVector.isCovered(by: current) || isKept,
                    "\(context): \(change.field)=\(change.value) by \(change.node) lost at \(node.org.code)")
            }
        }
    }
}
