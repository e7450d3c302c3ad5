import Foundation

/// A source of wall-clock time in milliseconds since the Unix epoch.
///
/// Passed in rather than read globally, so tests can skew or freeze time:
/// ```swift
/// var clock = HybridLogicalClock(wallClock: FixedWallClock(milliseconds: 0))
/// ```
public protocol WallClock: Sendable {
    func nowMilliseconds() -> Int64
}

/// The machine's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// A clock that always reads the same instant; for tests and replays.
public struct FixedWallClock: WallClock {
    public let milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public func nowMilliseconds() -> Int64 { milliseconds }
}
