/// Exponential backoff with jitter, pure: how long to wait before the next try after
/// `failures` consecutive failures.
///
/// ```swift
/// var random = SystemRandomNumberGenerator()
/// Backoff(base: 2, cap: 300).delay(afterFailures: 3, using: &random)   // between 8 and 16 s
/// ```
public struct Backoff: Sendable {
    public var base: Double
    public var cap: Double

    public init(base: Double = 2, cap: Double = 300) {
        self.base = base
        self.cap = cap
    }

    /// Seconds to wait: `base · 2^(failures-1)`, capped, plus up to as much again at random
    /// so that many townships that lost their link together do not retry together.
    public func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Double {
        guard failures > 0 else { return 0 }
        let exponential = min(cap, base * Double(1 << min(failures - 1, 30)))
        return min(cap, exponential + Double.random(in: 0...exponential, using: &random))
    }
}
