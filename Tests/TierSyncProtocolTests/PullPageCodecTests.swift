import Foundation
import Testing
import TierSyncCore

@testable import TierSyncProtocol

@Suite struct PullPageCodecTests {
    func page(_ seed: UInt64, count: Int) -> PullResponse {
        var random = SplitMix64(seed: seed)
        let node = NodeID.random(using: &random)
        let texts = ["示例·王一", "quote \" and \\ slash", "line\nbreak\ttab", "emoji 🚒", "", "\u{1}control"]
        let changes = (0..<count).map { i -> WireChange in
            let value: FieldValue =
                switch i % 4 {
                case 0: .text(texts[Int.random(in: 0..<texts.count, using: &random)])
                case 1: .integer(Int64.random(in: -1_000_000...1_000_000, using: &random))
                case 2: .real(Double(Int.random(in: 0...10_000, using: &random)) + 0.25)
                default: .null
                }
            return WireChange(
                FieldChange(
                    table: "contact", record: RecordID.random(using: &random), org: "520201101", field: "name",
                    value: value,
                    hlc: HLCTimestamp(physical: 1_764_000_000_000 + Int64(i), counter: UInt16(i % 7)), node: node,
                    versionVector: VersionVector([node: UInt64(i + 1)])))
        }
        return PullResponse(
            changes: changes, nodes: [node.rawValue: "520201101"], next: Int64(count), more: count % 2 == 0, last: 99)
    }

    func same(_ a: PullResponse, _ b: PullResponse) -> Bool {
        a.next == b.next && a.more == b.more && a.last == b.last && a.nodes == b.nodes
            && a.changes.count == b.changes.count
            && zip(a.changes, b.changes).allSatisfy { x, y in
                x == y
            }
    }

    @Test("pages round-trip through the hand-written codec, escapes and Chinese text included (seeded)")
    func roundTrip() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        for round in 0..<20 {
            let original = page(seed &+ UInt64(round), count: round * 17)
            #expect(same(try PullPageCodec.decode(PullPageCodec.encode(original)), original), "seed \(seed)")
        }
    }

    @Test("the hand-written bytes are the same JSON as the Codable form, both ways")
    func codableCompatible() throws {
        let original = page(3, count: 40)
        #expect(same(try JSONDecoder().decode(PullResponse.self, from: Data(PullPageCodec.encode(original))), original))
        #expect(same(try PullPageCodec.decode(Array(try JSONEncoder().encode(original))), original))
    }

    @Test(
        "malformed pages throw, never crash",
        arguments: [
            "", "{", "[]", #"{"changes":[{"t":"x"}],"next":1,"more":true}"#, #"{"changes":[],"next":"a","more":true}"#,
            #"{"changes":[],"next":1}"#, #"{"changes":[],"next":1,"more":true} trailing"#,
            #"{"changes":["\ud800"],"next":1,"more":true}"#,
            String(repeating: "[", count: 200), #"{"changes":[],"nodes":{"a":"\u"},"next":1,"more":true}"#,
        ])
    func malformed(text: String) {
        #expect(throws: (any Error).self) { try PullPageCodec.decode(Array(text.utf8)) }
    }

    @Test("random damage to a valid page throws or decodes, never crashes (seeded)")
    func fuzz() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)
        let bytes = PullPageCodec.encode(page(5, count: 30))
        for _ in 0..<2_000 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) {
                damaged = Array(damaged.prefix(Int.random(in: 0..<damaged.count, using: &random)))
            }
            _ = try? PullPageCodec.decode(damaged)
        }
    }

    @Test("push pages round-trip through their codec and read as the Codable form")
    func pushPages() throws {
        let pulled = page(11, count: 60)
        let push = PushRequest(changes: pulled.changes, nodes: pulled.nodes, upTo: 4_200)
        let decoded = try PushPageCodec.decode(PushPageCodec.encode(push))
        #expect(decoded.changes == push.changes && decoded.nodes == push.nodes && decoded.upTo == 4_200)
        let viaCodable = try JSONDecoder().decode(PushRequest.self, from: Data(PushPageCodec.encode(push)))
        #expect(viaCodable.changes == push.changes)
        #expect(throws: (any Error).self) { try PushPageCodec.decode(Array(#"{"changes":[],"nodes":{}}"#.utf8)) }
    }
}
