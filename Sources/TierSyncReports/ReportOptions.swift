import Foundation
import TierSyncCore

/// What a report is computed for besides its org: the day it is "as of", when a contact
/// counts as stale, which months the drills and timeliness reports cover, and how many rows
/// a detail table lists.
///
/// ```swift
/// var options = ReportOptions(asOf: CivilDate(parsing: "2026-11-29")!)
/// options.months = YearMonth(parsing: "2026-01")!...YearMonth(parsing: "2026-06")!
/// ```
public struct ReportOptions: Sendable {
    /// The day the report describes: plans overdue before it, contacts stale relative to it,
    /// stock events up to it, periods due by it.
    public var asOf: CivilDate
    /// A contact not confirmed for more than this many days before `asOf` is stale.
    public var staleAfterDays: Int
    /// Months covered by `drills` and `timeliness`; nil means each report's default (see
    /// `drillMonths` and `reportingMonths`).
    public var months: ClosedRange<YearMonth>?
    /// At most this many rows in each detail table (nil: all); summary tables are never cut.
    public var detailLimit: Int?

    /// Days after which a contact's confirmation is stale, unless told otherwise.
    public static let defaultStaleAfterDays = 180

    public init(
        asOf: CivilDate = ReportOptions.today(), staleAfterDays: Int = defaultStaleAfterDays,
        months: ClosedRange<YearMonth>? = nil,
        detailLimit: Int? = 1000
    ) {
        self.asOf = asOf
        self.staleAfterDays = staleAfterDays
        self.months = months
        self.detailLimit = detailLimit
    }

    /// The drills report's months: `months`, or the twelve months ending with the as-of month.
    public var drillMonths: ClosedRange<YearMonth> {
        months ?? YearMonth(asOf).advanced(by: -11)...YearMonth(asOf)
    }

    /// The timeliness report's months: `months`, or the three months ending with the as-of
    /// month (six reporting periods).
    public var reportingMonths: ClosedRange<YearMonth> {
        months ?? YearMonth(asOf).advanced(by: -2)...YearMonth(asOf)
    }

    /// The first day a contact confirmed on it is no longer stale.
    var staleBefore: CivilDate {
        CivilDate(daysSinceEpoch: asOf.daysSinceEpoch - staleAfterDays)
    }

    /// Today in China Standard Time, the zone every user is in.
    public static func today(now: Date = Date()) -> CivilDate {
        CivilDate(daysSinceEpoch: Int(((now.timeIntervalSince1970 + 8 * 3600) / 86_400).rounded(.down)))
    }
}
