/// How far a node's clock is from its parent's, as the parent measured it, in words.
///
/// ```swift
/// ClockOffset(milliseconds: 31_536_000_000).english   // "365 days ahead of the parent's"
/// ClockOffset(milliseconds: -90_000).chinese          // "比上级慢 1 分钟"
/// ```
public struct ClockOffset: Sendable, Equatable, Codable {
    /// This node's clock minus the parent's.
    public let milliseconds: Int64

    /// Offsets within this are the link's latency and ordinary drift, not a wrong clock.
    public static let tolerance: Int64 = 120_000

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The offset measured by one exchange: this node's clock at the exchange's midpoint
    /// (asked at `sentAt`, answered at `receivedAt`) minus the time the parent answered with.
    public init(sentAt: Int64, receivedAt: Int64, hubTime: Int64) {
        self.init(milliseconds: (sentAt + receivedAt) / 2 - hubTime)
    }

    /// Whether the clock is off by more than `tolerance`: edits stamped by it are ordered
    /// wrongly against other nodes', and past a day ahead the parent refuses them.
    public var isWrong: Bool { abs(milliseconds) > Self.tolerance }

    public var english: String {
        "\(Self.amount(abs(milliseconds), english: true)) \(milliseconds > 0 ? "ahead of" : "behind") the parent's"
    }

    public var chinese: String {
        "比上级\(milliseconds > 0 ? "快" : "慢") \(Self.amount(abs(milliseconds), english: false))"
    }

    /// In the largest unit it reaches (days, hours, minutes or seconds), rounded: a link's
    /// latency makes a year measure a few milliseconds short of one.
    static func amount(_ milliseconds: Int64, english: Bool) -> String {
        let seconds = (milliseconds + 500) / 1000
        let units: [(Int64, String, String)] = [(86_400, "day", "天"), (3600, "hour", "小时"), (60, "minute", "分钟")]
        for (size, name, chinese) in units where seconds >= size {
            let count = (seconds + size / 2) / size
            return english ? "\(count) \(name)\(count == 1 ? "" : "s")" : "\(count) \(chinese)"
        }
        return english ? "\(seconds) second\(seconds == 1 ? "" : "s")" : "\(seconds) 秒"
    }
}
