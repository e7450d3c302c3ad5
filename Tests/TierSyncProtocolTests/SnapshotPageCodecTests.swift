import Foundation
import Testing
import TierSyncCore

@testable import TierSyncProtocol

/// The snapshot page's hand-written JSON: what the hub streams with `Writer` reads back as
/// the same records, and damaged pages are refused, never crash.
@Suite struct SnapshotPageCodecTests {
    func page(_ seed: UInt64) -> SnapshotResponse {
        var random = SplitMix64(seed: seed)
        let node = NodeID.random(using: &random)
        let stamp = HLCTimestamp(physical: 1_764_000_000_000, counter: 3)
        let version = FieldVersion(hlc: stamp, node: node, versionVector: VersionVector([node: 2]))
        let kept = RecordSnapshot.Kept(
            kind: "concurrent", field: "phone", versioned: VersionedValue(value: .real(1.5), version: version),
            needsReview: true, detectedAt: 1_764_000_000_123)
        var records: [RecordSnapshot] = []
        for i in 0..<20 {
            let fields: [RecordSnapshot.Field] = [
                .init("name", .text("示例·王\(i) \"quoted\"\n")), .init("participants", .integer(Int64(i))),
            ]
            records.append(
                RecordSnapshot(
                    table: i % 2 == 0 ? "contact" : "plan", id: RecordID.random(using: &random), org: "520201101",
                    created: stamp, updated: stamp, deleted: i % 5 == 0,
                    versions: FieldVersions(initial: version).encoded, fields: fields, kept: i % 3 == 0 ? [kept] : []))
        }
        return SnapshotResponse(
            records: records, nodes: [node.rawValue: "520201101"], position: 42, next: records.last?.key.description,
            total: 20)
    }

    @Test("a page round-trips, records, kept versions, escapes and Chinese text included")
    func roundTrip() throws {
        let original = page(7)
        #expect(try SnapshotPageCodec.decode(SnapshotPageCodec.encode(original)) == original)
        var last = original
        last.next = nil
        last.total = nil
        #expect(try SnapshotPageCodec.decode(SnapshotPageCodec.encode(last)) == last, "the last page has no next")
    }

    @Test("every prefix of a page is refused with an error, never a crash")
    func truncated() throws {
        let bytes = SnapshotPageCodec.encode(page(8))
        for length in stride(from: 0, to: bytes.count - 1, by: 97) {
            #expect(throws: (any Error).self) { try SnapshotPageCodec.decode(Array(bytes.prefix(length))) }
        }
        #expect(throws: (any Error).self) { try SnapshotPageCodec.decode(Array(#"{"records":[]}"#.utf8)) }
    }
}
