import Testing
import TierSyncCore

@testable import TierSyncProtocol

/// Inflating HTTP bodies in memory: every size comes back whole, however many times the
/// result grows; a body past the limit, a cut one and an empty one are refused.
@Suite struct GzipTests {
    /// `count` bytes, compressible about `ratio`-fold at most (1: random, 0: zeros).
    static func bytes(_ count: Int, random: Bool, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { index in random ? UInt8.random(in: 0...255, using: &generator) : UInt8(index % 7) }
    }

    @Test(
        "bodies of every size inflate whole, the random and the very compressible",
        arguments: [0, 1, 4_095, 4_096, 4_097, 70_000, 600_000])
    func roundTrip(count: Int) throws {
        for random in [true, false] {
            let body = Self.bytes(count, random: random, seed: UInt64(count))
            #expect(try Gzip.decompress(Gzip.compress(body)) == body, "\(count) bytes, random: \(random)")
        }
    }

    @Test("a body that inflates to exactly the limit is taken; one byte more is refused as a bomb")
    func limit() throws {
        let body = Self.bytes(100_000, random: false, seed: 1)
        let gzip = Gzip.compress(body)
        #expect(try Gzip.decompress(gzip, limit: 100_000) == body)
        #expect(throws: GzipError("the gzip data inflates beyond 99999 bytes")) {
            try Gzip.decompress(gzip, limit: 99_999)
        }
    }

    @Test("cut gzip data and no data at all are refused, not read in part")
    func damaged() throws {
        let gzip = Gzip.compress(Self.bytes(50_000, random: true, seed: 2))
        for cut in [0, 10, gzip.count / 2, gzip.count - 1] {
            #expect(throws: GzipError("the gzip data is damaged or truncated"), "cut at \(cut)") {
                try Gzip.decompress(Array(gzip.prefix(cut)))
            }
        }
    }
}
