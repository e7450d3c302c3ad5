/// A hybrid logical clock: issues stamps that never go backwards and that follow the
/// wall clock when it is sane.
///
/// The state is one stamp, the last issued or observed. The store keeps the observed ones in
/// the node row and reads the last issued one back from its change log, so a restarted node
/// never reissues a stamp, even if its PC clock stepped back.
///
/// ```swift
/// var clock = HybridLogicalClock(last: .zero)
/// let a = clock.tick(wall: 1_000)     // 1000 ms, counter 0
/// let b = clock.tick(wall: 1_000)     // 1000 ms, counter 1
/// let c = clock.tick(wall: 900)       // clock stepped back: 1000 ms, counter 2
/// ```
public struct HybridLogicalClock: Sendable {
    /// The greatest stamp issued or observed so far.
    public private(set) var last: HLCTimestamp

    public init(last: HLCTimestamp = .zero) { self.last = last }

    /// A new stamp for a local event, greater than every stamp issued or observed before.
    public mutating func tick(wall: Int64) -> HLCTimestamp {
        let next: HLCTimestamp
        if wall > last.physical {
            next = HLCTimestamp(physical: wall, counter: 0)
        } else {
            next = Self.successor(of: last)
        }
        last = next
        return next
    }

    /// Folds a stamp received from another node into the clock, so later local stamps
    /// order after it.
    ///
    /// Bounding how far ahead `remote` may be is the caller's policy (see the merge's skew
    /// check); the clock itself accepts any stamp it is given.
    public mutating func observe(_ remote: HLCTimestamp) {
        if remote > last { last = remote }
    }

    /// The next stamp after `stamp`; when the counter is exhausted the physical part moves
    /// one millisecond ahead rather than wrapping.
    static func successor(of stamp: HLCTimestamp) -> HLCTimestamp {
        stamp.counter == HLCTimestamp.maxCounter
            ? HLCTimestamp(physical: stamp.physical + 1, counter: 0)
            : HLCTimestamp(physical: stamp.physical, counter: stamp.counter + 1)
    }
}
