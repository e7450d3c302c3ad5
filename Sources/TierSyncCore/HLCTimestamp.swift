/// A hybrid logical clock stamp: wall-clock milliseconds plus a counter, packed in 64 bits.
///
/// Stamps order edits across nodes whose clocks disagree a little: the physical part
/// follows the wall clock, and the counter breaks ties between stamps issued within one
/// millisecond or after a clock stepped backwards.
///
/// ```swift
/// let stamp = HLCTimestamp(physical: 1_764_000_000_000, counter: 2)
/// stamp.rawValue   // physical << 16 | counter, the form stored in SQLite
/// ```
public struct HLCTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Bits reserved for the counter; 65,535 stamps per millisecond before the
    /// physical part is pushed ahead.
    public static let counterBits = 16
    public static let maxCounter = UInt16.max

    /// The packed value, `physical << 16 | counter`; orders like the stamp.
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public init(physical: Int64, counter: UInt16) {
        self.rawValue = physical << Self.counterBits | Int64(counter)
    }

    public static let zero = HLCTimestamp(rawValue: 0)

    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var physical: Int64 { rawValue >> Self.counterBits }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `2026-11-29T02:52:03.123Z+3`: the physical time in UTC, then the counter when non-zero.
    public var description: String {
        let time = ISOTimestamp.format(milliseconds: physical)
        return counter == 0 ? time : "\(time)+\(counter)"
    }
}

extension HLCTimestamp {
    /// The physical time alone, as people read it: `2026-11-29T02:52:03.123Z`.
    public var isoTime: String { ISOTimestamp.format(milliseconds: physical) }
}
