import TierSyncCore

/// A period something is due for: a half-month's progress report (`2026-11-H1`, due the
/// 15th; `2026-11-H2`, due the month's last day), a month's drill (`2026-11`, due the
/// month's last day), or a year's year-end summary (`2026`, due 31 December).
///
/// ```swift
/// DuePeriod(parsing: "2026-02")!.dueDate.description   // "2026-02-28"
/// DuePeriod(parsing: "2026")!.kind                       // .year
/// ```
public enum DuePeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    case half(ReportingPeriod)
    case month(year: Int, month: Int)
    case year(Int)

    public enum Kind: String, Sendable, Codable { case half, month, year }

    public init?(parsing text: String) {
        if let half = ReportingPeriod(parsing: text) {
            self = .half(half)
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ $0.allSatisfy(\.isASCII) }), parts[0].count == 4, let year = Int(parts[0]),
            (2000...9999).contains(year)
        else { return nil }
        switch parts.count {
        case 1: self = .year(year)
        case 2:
            guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            self = .month(year: year, month: month)
        default: return nil
        }
    }

    public var kind: Kind {
        switch self {
        case .half: .half
        case .month: .month
        case .year: .year
        }
    }

    /// The last day it is on time (China date).
    public var dueDate: CivilDate {
        switch self {
        case .half(let period): period.dueDate
        case .month(let year, let month):
            CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))!
        case .year(let year): CivilDate(year: year, month: 12, day: 31)!
        }
    }

    public var description: String {
        switch self {
        case .half(let period): period.description
        case .month(let year, let month): "\(year)-\(month < 10 ? "0" : "")\(month)"
        case .year(let year): String(year)
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.dueDate, lhs.description) < (rhs.dueDate, rhs.description)
    }
}
