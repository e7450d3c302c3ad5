import Testing

@testable import TierSyncCore

@Suite struct HybridLogicalClockTests {
    @Test("a stamp follows the wall clock when it moves forward")
    func followsWallClock() {
        var clock = HybridLogicalClock()
        #expect(clock.tick(wall: 1_000) == HLCTimestamp(physical: 1_000, counter: 0))
        #expect(clock.tick(wall: 2_000) == HLCTimestamp(physical: 2_000, counter: 0))
    }

    @Test("stamps in the same millisecond count up")
    func sameMillisecond() {
        var clock = HybridLogicalClock()
        let a = clock.tick(wall: 1_000)
        let b = clock.tick(wall: 1_000)
        #expect(b == HLCTimestamp(physical: 1_000, counter: 1))
        #expect(a < b)
    }

    @Test("a wall clock stepped backwards never makes a stamp go backwards")
    func clockSteppedBack() {
        var clock = HybridLogicalClock()
        let before = clock.tick(wall: 5_000)
        let after = clock.tick(wall: 1_000)
        #expect(after > before)
        #expect(after.physical == 5_000)
    }

    @Test("an exhausted counter moves the physical part ahead instead of wrapping")
    func counterOverflow() {
        var clock = HybridLogicalClock(last: HLCTimestamp(physical: 7, counter: .max))
        #expect(clock.tick(wall: 7) == HLCTimestamp(physical: 8, counter: 0))
    }

    @Test("observing a remote stamp orders later local stamps after it")
    func observe() {
        var clock = HybridLogicalClock()
        _ = clock.tick(wall: 1_000)
        clock.observe(HLCTimestamp(physical: 9_000, counter: 4))
        #expect(clock.tick(wall: 1_001) == HLCTimestamp(physical: 9_000, counter: 5))
        clock.observe(HLCTimestamp(physical: 10, counter: 0))
        #expect(clock.last == HLCTimestamp(physical: 9_000, counter: 5))
    }

    @Test("many ticks under a random, jumpy wall clock are strictly increasing (seeded)")
    func monotonicUnderJitter() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        var clock = HybridLogicalClock()
        var previous = HLCTimestamp.zero
        var wall: Int64 = 1_700_000_000_000
        for _ in 0..<10_000 {
            wall += Int64.random(in: -50...50, using: &rng)
            let stamp = clock.tick(wall: wall)
            #expect(stamp > previous, "seed \(seed)")
            previous = stamp
        }
    }

    @Test("the packed form orders like the stamp and prints as ISO time")
    func packing() {
        let stamp = HLCTimestamp(physical: 1_764_384_723_123, counter: 3)
        #expect(HLCTimestamp(rawValue: stamp.rawValue) == stamp)
        #expect(stamp.physical == 1_764_384_723_123)
        #expect(stamp.counter == 3)
        #expect(stamp.description == "2025-11-29T02:52:03.123Z+3")
        #expect(stamp.isoTime == "2025-11-29T02:52:03.123Z")
        #expect(ISOTimestamp.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
    }
}
