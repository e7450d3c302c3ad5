import TierSyncCore

/// A calendar month, `YYYY-MM`: the unit the drills report counts by and the range the
/// drills and timeliness reports cover.
///
/// ```swift
/// YearMonth(parsing: "2026-02")!.advanced(by: -3).description   // "2025-11"
/// ```
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month of `date`.
    public init(_ date: CivilDate) {
        (year, month) = (date.year, date.month)
    }

    /// Accepts exactly `YYYY-MM`.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month `count` months later (earlier when negative).
    public func advanced(by count: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + count
        return YearMonth(year: index / 12, month: index % 12 + 1) ?? self
    }

    /// The months from `first` through `last`, in order.
    public static func months(_ range: ClosedRange<YearMonth>) -> [YearMonth] {
        var result: [YearMonth] = []
        var month = range.lowerBound
        while month <= range.upperBound {
            result.append(month)
            month = month.advanced(by: 1)
        }
        return result
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public var description: String {
        String(repeating: "0", count: max(0, 4 - String(year).count)) + "\(year)-" + (month < 10 ? "0" : "")
            + "\(month)"
    }
}
