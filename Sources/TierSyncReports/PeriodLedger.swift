import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Each grass-roots unit's state per period (`tiersync periods`): its twice-monthly progress
/// reports, its monthly drills and its year-end summary; when each was made at its unit (the
/// stamp of its creating edit: a report made on time offline is on time, however late it
/// arrives), when it reached each level, and whether an upper level approved it.
///
/// ```swift
/// let rows = try PeriodLedger.make(org: "520201", options: ReportOptions(asOf: today), db: db)
/// rows.filter { $0.state == .missing }
/// ```
public enum PeriodLedger {
    /// Where one unit stands for one period on the as-of date.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Not made yet, and its due date is the as-of date or later.
        case due
        case onTime = "on-time"
        case late
        /// Not made, and its due date is before the as-of date.
        case missing
        /// Made and approved by an upper level (on time or not: see `onTime`).
        case approved

        public var chinese: String {
            switch self {
            case .due: "未到期"
            case .onTime: "按时"
            case .late: "迟报"
            case .missing: "未报"
            case .approved: "已审核"
            }
        }
    }

    /// What a period is for.
    public enum Subject: String, Codable, Sendable {
        case report, drill, summary
    }

    public struct Arrival: Codable, Sendable, Equatable {
        public let level: String
        public let name: String
        public let at: String
    }

    public struct Row: Codable, Sendable, Equatable {
        public let org: String
        public let name: String
        public let subject: Subject
        public let period: String
        /// The due date, a granted extension included.
        public let due: String
        public let extended: Bool
        public let state: State
        /// Nil while nothing was made; otherwise whether it was made by the due date.
        public let onTime: Bool?
        public let record: String?
        /// When it was made at its unit (ISO 8601, UTC).
        public let madeAt: String?
        /// When it reached each level, earliest first.
        public let arrivals: [Arrival]
        public let approvedBy: String?
        /// True when it reached the first level above more than `gapDays` after it was made:
        /// worth a look (a wrong clock at the unit, or a link down for days).
        public let gap: Bool
    }

    /// Days between making and arriving above beyond which a row is flagged.
    public static let gapDays = 3

    public static func make(org: String, options: ReportOptions, db: any SQLReader) throws -> [Row] {
        let scope = try ReportScope(org: org, db: db)
        let months = YearMonth.months(options.reportingMonths)
        let periods: [(Subject, DuePeriod)] =
            months.flatMap { month in
                [1, 2].compactMap { ReportingPeriod(year: month.year, month: month.month, half: $0) }
                    .map { (Subject.report, DuePeriod.half($0)) }
            }
            + months.map { (.drill, .month(year: $0.year, month: $0.month)) }
            + Set(months.map(\.year)).sorted().map { (.summary, .year($0)) }
        let made = try firstMade(scope: scope, periods: periods.map(\.1.description), db: db)
        let arrivals = try self.arrivals(scope: scope, db: db)
        let extensions = try self.extensions(scope: scope, db: db)
        // Levels are above the scope too: every unit's name.
        var names: [String: String] = [:]
        try db.forEachRow("SELECT code, name FROM org_unit", []) { row in names[row[0]] = row[1] }
        var rows: [Row] = []
        for unit in scope.grassRootsUnits {
            for (subject, period) in periods {
                let granted = extensions.filter {
                    $0.period == period.description
                        && OrgUnit.shared(ownerPath: $0.ownerPath, share: $0.share, reaches: unit.path)
                }.map(\.due).max()
                let due = max(period.dueDate, granted ?? period.dueDate)
                let record = made[Key(org: unit.code, subject: subject, period: period.description)]
                    .flatMap { $0.madeOn <= options.asOf ? $0 : nil }  // made after the as-of date: not known yet
                let state: State
                if let record {
                    state = record.approvedBy != nil ? .approved : record.madeOn <= due ? .onTime : .late
                } else {
                    state = due < options.asOf ? .missing : .due
                }
                let reached = record.map { arrivals[$0.id] ?? [] } ?? []
                let gap =
                    record.flatMap { record in
                        reached.first.flatMap { ISOTimestamp.milliseconds(from: $0.at) }.map {
                            $0 - record.madeMilliseconds > Int64(gapDays) * 86_400_000
                        }
                    } ?? false
                rows.append(
                    Row(
                        org: unit.code, name: unit.name, subject: subject, period: period.description,
                        due: due.description, extended: granted.map { $0 > period.dueDate } ?? false, state: state,
                        onTime: record.map { $0.madeOn <= due }, record: record?.id,
                        madeAt: record.map { ISOTimestamp.format(milliseconds: $0.madeMilliseconds) },
                        arrivals: reached.map {
                            Arrival(level: $0.level, name: names[$0.level] ?? $0.level, at: $0.at)
                        },
                        approvedBy: record?.approvedBy, gap: gap))
            }
        }
        return rows
    }

    struct Key: Hashable {
        let org: String
        let subject: Subject
        let period: String
    }

    struct Made {
        let id: String
        let madeMilliseconds: Int64
        let madeOn: CivilDate
        let approvedBy: String?
    }

    /// The earliest live record of each unit and period: reports by their period (a year's
    /// is the summary), drills by the month they were held.
    static func firstMade(scope: ReportScope, periods: [String], db: any SQLReader) throws -> [Key: Made] {
        var made: [Key: Made] = [:]
        // A JSON list, not `IN (?, …)`: PostgreSQL refuses `IN ()` when there is no period.
        let list = db.dialect.jsonTextList
        let queries: [(String, (String) -> Subject)] = [
            (
                "SELECT r.org, r.period, r.id, r.created, r.approved_by FROM \(scope.records("progress_report")) AND r.period IN \(list)",
                { $0.count == 4 ? .summary : .report }
            ),
            (
                "SELECT r.org, substr(r.held_on, 1, 7), r.id, r.created, NULL FROM \(scope.records("drill")) AND substr(r.held_on, 1, 7) IN \(list)",
                { _ in .drill }
            ),
        ]
        for (sql, subject) in queries {
            try db.forEachRow(sql, scope.recordArguments + [SQLDialect.jsonList(periods)]) { row in
                let period: String = row[1]
                let milliseconds = HLCTimestamp(rawValue: row[3]).physical
                let key = Key(org: row[0], subject: subject(period), period: period)
                let id: String = row[2]
                // The earliest; of two made in the same millisecond, the smaller id, on either store.
                if let known = made[key], (known.madeMilliseconds, known.id) <= (milliseconds, id) { return }
                made[key] = Made(
                    id: id, madeMilliseconds: milliseconds,
                    madeOn: ReportOptions.today(now: Date(timeIntervalSince1970: Double(milliseconds) / 1000)),
                    approvedBy: row[4])
            }
        }
        return made
    }

    struct Reached {
        let level: String
        let at: String
    }

    /// Arrival receipts of the subtree's reports and drills, by record, earliest first.
    static func arrivals(scope: ReportScope, db: any SQLReader) throws -> [String: [Reached]] {
        var arrivals: [String: [Reached]] = [:]
        try db.forEachRow(
            """
            SELECT r.record, r.level, r.at FROM \(scope.records("receipt"))
            AND r.event = 'arrived' AND r.tbl IN ('progress_report', 'drill')
            AND r.record IS NOT NULL AND r.level IS NOT NULL AND r.at IS NOT NULL
            ORDER BY \(db.dialect.bytewise("r.at")), \(db.dialect.bytewise("r.id"))
            """, scope.recordArguments
        ) { row in arrivals[row[0], default: []].append(Reached(level: row[1], at: row[2])) }
        return arrivals
    }

    struct Extension {
        let ownerPath: String
        let share: String?
        let period: String
        let due: CivilDate
    }

    /// Live deadline extensions owned in the subtree or above it.
    static func extensions(scope: ReportScope, db: any SQLReader) throws -> [Extension] {
        try db.rows(
            """
            SELECT o.path, e.share, e.period, e.due FROM deadline_extension e JOIN org_unit o ON o.code = e.org
            WHERE e.deleted = 0
            """
        ).compactMap { row in
            guard let due = (row[3] as String?).flatMap(CivilDate.init(parsing:)), let period: String = row[2] else {
                return nil
            }
            return Extension(ownerPath: row[0], share: row[1], period: period, due: due)
        }
    }
}
