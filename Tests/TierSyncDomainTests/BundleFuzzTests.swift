import Foundation
import Testing
import TierSyncCore
import TierSyncProtocol
import TierSyncStore

@testable import TierSyncDomain

/// Mutated bundles, as a damaged USB stick or a hostile sender makes them: none may crash
/// the importer, and none may be applied in part. Each import either fails and leaves the
/// node exactly as it was, or succeeds and accounts for every change it carried.
@Suite struct BundleFuzzTests {
    /// Two halves of 5,000 rounds, which run side by side on two cores.
    static let rounds = 5_000

    @Test("10,000 mutated bundles: no crash, no partial apply (seeded)", arguments: [0, 1])
    func mutatedBundles(half: Int) throws {
        // TIERSYNC_TEST_SEED replays a failure printed by an earlier run (with its half).
        let seed =
            ProcessInfo.processInfo.environment["TIERSYNC_TEST_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed &+ UInt64(half))
        let township = try TestNode(org: "520201101")
        for index in 0..<12 {
            try township.node.add(
                .contact, values: ["role": "信息员", "name": "示例·王\(index)", "phone": "1390000\(1000 + index)"])
        }
        let original = township.directory.appendingPathComponent("original.tsb").path
        try township.node.exportBundle(to: "520201", path: original)
        let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: original)))
        let lines = try Gzip.decompress(compressed).split(separator: 0x0A, omittingEmptySubsequences: false).map(
            Array.init)

        let county = try TestNode(org: "520201")
        let mutated = county.directory.appendingPathComponent("mutated.tsb")
        var before = try county.fingerprint()
        var outcomes: [String: Int] = [:]
        for round in 0..<Self.rounds {
            let context = "seed \(seed), half \(half), round \(round)"
            let (kind, bytes) = BundleMutation.random(compressed: compressed, lines: lines, using: &random)
            try Data(bytes).write(to: mutated)
            do {
                let imported = try county.node.importBundle(path: mutated.path)
                // Accepted: a mutation that kept the bundle valid. Every change it carried
                // was applied, known already, kept for a later release (a table or field
                // renamed by the mutation), or refused with a reason.
                let report = imported.report
                let carried = try BundleReader.count(path: mutated.path)
                #expect(
                    report.applied + report.alreadyKnown + report.opaque + report.refused.count == carried,
                    "\(context): \(kind) accepted with \(report) for \(carried) changes")
                before = try county.fingerprint()
                outcomes["\(kind) accepted", default: 0] += 1
            } catch {
                let after = try county.fingerprint()
                #expect(after == before, "\(context): \(kind) was refused (\(error)) after changing the node")
                if after != before { return }
                outcomes["\(kind) refused", default: 0] += 1
            }
        }
        print("bundle fuzz, seed \(seed), half \(half): \(outcomes.sorted { $0.key < $1.key })")
        // The mutations must reach past gzip into the bundle's lines, or they test little.
        #expect(outcomes.keys.contains("line, checksum fixed refused"), "seed \(seed)")
    }
}

extension TestNode {
    /// What any apply, however partial, changes: the log, the conflicts, the cursors and the
    /// directory of nodes (every applied change is logged). Cheaper than `snapshot()`, which
    /// reads every record, for ten thousand rounds.
    func fingerprint() throws -> [String] {
        try node.store.read { db in
            try [
                "SELECT count(*) || '/' || ifnull(max(seq), 0) FROM change_log",
                "SELECT count(*) FROM conflict",
                "SELECT group_concat(org || ':' || received_seq || ':' || acked_seq || ':' || ifnull(last_contact, ''), ',') FROM peer_cursor",
                "SELECT count(*) FROM peer_node",
            ].map { try String.fetchOne(db, sql: $0) ?? "" }
        }
    }
}

extension BundleReader {
    /// How many changes a valid bundle file holds.
    static func count(path: String) throws -> Int {
        let reader = try BundleReader(path: path)
        var count = 0
        while try reader.next() != nil { count += 1 }
        return count
    }
}
