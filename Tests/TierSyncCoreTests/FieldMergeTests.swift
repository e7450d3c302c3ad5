import Testing

@testable import TierSyncCore

@Suite struct FieldMergeTests {
    let a = NodeID("00000000000000aa")!
    let b = NodeID("00000000000000bb")!
    let equalRank: (FieldVersion) -> Int = { _ in 0 }

    func version(_ value: String, _ node: NodeID, _ physical: Int64, _ vector: VersionVector) -> VersionedValue {
        VersionedValue(
            value: .text(value),
            version: FieldVersion(hlc: HLCTimestamp(physical: physical, counter: 0), node: node, versionVector: vector))
    }

    @Test("an edit made on top of another supersedes it, whoever made it and whatever its stamp")
    func onTopSupersedes() {
        let first = version("13900000001", a, 2_000, VersionVector([a: 1]))
        let onTop = version("13900000002", b, 1_000, VersionVector([a: 1, b: 1]))  // older stamp, still wins
        let outcome = FieldMerge.merge(kept: [first], incoming: onTop, rank: equalRank)
        #expect(!outcome.isKnown && !outcome.isConflict)
        #expect(outcome.shown == onTop && outcome.superseded == [first])
    }

    @Test("a version seen before, or one an edit was made on top of, is old news")
    func oldNews() {
        let first = version("x", a, 1, VersionVector([a: 1]))
        let second = version("y", a, 2, VersionVector([a: 2]))
        #expect(FieldMerge.merge(kept: [second], incoming: first, rank: equalRank).isKnown)
        #expect(FieldMerge.merge(kept: [second], incoming: second, rank: equalRank).isKnown)
    }

    @Test("concurrent versions are both kept; the one shown is the greatest by (rank, hlc, node)")
    func concurrent() {
        let left = version("left", a, 5_000, VersionVector([a: 2]))
        let right = version("right", b, 4_000, VersionVector([a: 1, b: 1]))
        let byStamp = FieldMerge.merge(kept: [left], incoming: right, rank: equalRank)
        #expect(byStamp.isConflict && byStamp.shown == left && Array(byStamp.losers) == [right])
        let byRank = FieldMerge.merge(kept: [left], incoming: right, rank: { $0.node == self.b ? 1 : 0 })
        #expect(byRank.shown == right && Array(byRank.losers) == [left])
        let tie = version("tie", b, 5_000, VersionVector([a: 1, b: 1]))
        #expect(FieldMerge.merge(kept: [left], incoming: tie, rank: equalRank).shown == tie)  // node id breaks ties
    }

    @Test("a resolving edit dominates every concurrent version and ends the conflict")
    func resolution() {
        let left = version("left", a, 5, VersionVector([a: 2]))
        let right = version("right", b, 4, VersionVector([a: 1, b: 1]))
        let resolved = version("left", b, 6, VersionVector([a: 2, b: 2]))
        let outcome = FieldMerge.merge(kept: [left, right], incoming: resolved, rank: equalRank)
        #expect(!outcome.isConflict && Set(outcome.superseded) == [left, right])
    }

    @Test(
        "merging the same versions in any order, any number of times, keeps the same set and shows the same value (seeded)"
    )
    func convergence() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)
        let nodes = (1...4).map { NodeID(String(repeating: "0", count: 15) + String($0))! }
        for _ in 0..<200 {
            // Nodes edit one field, each on top of what it has seen so far, and gossip randomly.
            var seen: [NodeID: [VersionedValue]] = Dictionary(uniqueKeysWithValues: nodes.map { ($0, []) })
            var all: [VersionedValue] = []
            for step in 0..<12 {
                let node = nodes.randomElement(using: &random)!
                if Bool.random(using: &random) || all.isEmpty {
                    let base = seen[node]!.reduce(VersionVector()) { $0.merged(with: $1.version.versionVector) }
                    let edit = version(
                        "v\(step)", node, Int64.random(in: 0...20, using: &random), base.incremented(for: node))
                    all.append(edit)
                    seen[node] = FieldMerge.merge(kept: seen[node]!, incoming: edit, rank: equalRank).kept
                } else {
                    let gossip = all.randomElement(using: &random)!
                    seen[node] = FieldMerge.merge(kept: seen[node]!, incoming: gossip, rank: equalRank).kept
                }
            }
            let maximal = all.filter { candidate in
                !all.contains { $0.version.versionVector.compare(to: candidate.version.versionVector) == .dominates }
            }
            var results: [[VersionedValue]] = []
            for _ in 0..<4 {
                let delivery = (all + all.filter { _ in Bool.random(using: &random) }).shuffled(using: &random)
                results.append(delivery.reduce([]) { FieldMerge.merge(kept: $0, incoming: $1, rank: equalRank).kept })
            }
            for result in results {
                #expect(Set(result) == Set(maximal), "seed \(seed)")
                #expect(result.first == results[0].first, "seed \(seed)")
            }
        }
    }
}

@Suite struct LocalEditTests {
    let a = NodeID("00000000000000aa")!
    let b = NodeID("00000000000000bb")!

    @Test("a local edit is made on top of every kept version and counts one more write by its node to the record")
    func localEdit() {
        let shown = VersionVector([a: 2])
        let loser = VersionVector([a: 1, b: 1])
        let edit = FieldVersion.localEdit(
            onTopOf: [shown, loser], recordClock: VersionVector([a: 3, b: 1]),
            hlc: HLCTimestamp(physical: 9, counter: 0), node: a)
        #expect(edit.versionVector == VersionVector([a: 4, b: 1]))
        #expect(
            edit.versionVector.compare(to: shown) == .dominates && edit.versionVector.compare(to: loser) == .dominates)
    }
}
