import TierSyncCore

/// A twice-monthly progress-report period: the first half of a month (due by the 15th)
/// or the second half (due by the month's last day).
///
/// ```swift
/// let period = ReportingPeriod(parsing: "2026-02-H2")!
/// period.dueDate.description   // "2026-02-28"
/// ```
public struct ReportingPeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    /// 1 for the first half, 2 for the second.
    public let half: Int

    public init?(year: Int, month: Int, half: Int) {
        guard (2000...9999).contains(year), (1...12).contains(month), half == 1 || half == 2 else { return nil }
        self.year = year
        self.month = month
        self.half = half
    }

    /// Parses `YYYY-MM-H1` or `YYYY-MM-H2` (the `H` in either case).
    public init?(parsing text: String) {
        let parts = text.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]), parts[2] == "H1" || parts[2] == "H2"
        else { return nil }
        self.init(year: year, month: month, half: parts[2] == "H1" ? 1 : 2)
    }

    /// The last day a report for this period is on time.
    public var dueDate: CivilDate {
        CivilDate(year: year, month: month, day: half == 1 ? 15 : CivilDate.daysIn(month: month, year: year))!
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.half) < (rhs.year, rhs.month, rhs.half)
    }

    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-H\(half)"
    }
}
