import Foundation
import TierSyncCore
import TierSyncDomain

/// Where one unit's progress report for one twice-monthly period stands on the as-of date.
///
/// ```swift
/// let period = ReportingPeriod(parsing: "2026-02-H2")!           // due 2026-02-28
/// PeriodStatus(period: period, submitted: CivilDate(parsing: "2026-03-01"), asOf: asOf)   // .late
/// ```
enum PeriodStatus: String, CaseIterable {
    case onTime, late, missing, notYetDue

    /// Rules: the earliest submission (China date) on or before the due date is on time, a
    /// later one late; submissions after the as-of date are not known yet. Without one, the
    /// period is missing once its due date is before the as-of date, and not yet due while
    /// the due date is the as-of date or later (the unit still has that day).
    init(period: ReportingPeriod, submitted: CivilDate?, asOf: CivilDate) {
        if let submitted, submitted <= asOf {
            self = submitted <= period.dueDate ? .onTime : .late
        } else {
            self = period.dueDate < asOf ? .missing : .notYetDue
        }
    }

    var title: String {
        switch self {
        case .onTime: return "按时"
        case .late: return "迟报"
        case .missing: return "未报"
        case .notYetDue: return "未到期"
        }
    }

    /// The China Standard Time date of a stored `submitted_at` (ISO 8601, normally UTC as
    /// `2026-11-14T09:30:00Z`), where deadlines are counted; other ISO forms are parsed fully.
    static func chinaDate(of stamp: String) -> CivilDate? {
        let bytes = Array(stamp.utf8)
        if bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "Z"),
            let date = CivilDate(parsing: stamp.prefix(10)), let hour = Int(stamp.dropFirst(11).prefix(2))
        {
            // UTC+8: from 16:00 UTC on, it is already the next day in China.
            return hour >= 16 ? CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1) : date
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: stamp) { return ReportOptions.today(now: date) }
        }
        return nil
    }
}

extension ReportingPeriod {
    /// Both halves of each month of `months`, in order.
    static func periods(in months: ClosedRange<YearMonth>) -> [ReportingPeriod] {
        YearMonth.months(months).flatMap { month in
            [1, 2].compactMap { ReportingPeriod(year: month.year, month: month.month, half: $0) }
        }
    }
}
