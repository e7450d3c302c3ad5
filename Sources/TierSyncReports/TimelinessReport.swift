import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Twice-monthly progress reports: for each period of the report's months (default: the
/// three months ending with the as-of month), which townships, villages and enterprises
/// reported on time, late, or not at all (`PeriodStatus` has the rules), judged by when each
/// report was made at its unit (its creating stamp), not by when it arrived.
struct TimelinessReport {
    let scope: ReportScope
    let options: ReportOptions
    let db: any SQLReader

    struct Counts: SummaryCounts {
        var units = 0
        /// Periods whose report an upper level approved.
        var approved = 0
        var statuses: [PeriodStatus: Int] = [:]
        mutating func add(_ o: Counts) {
            units += o.units
            approved += o.approved
            statuses.merge(o.statuses, uniquingKeysWith: +)
        }
        subscript(_ status: PeriodStatus) -> Int { statuses[status] ?? 0 }
    }

    func make() throws -> Report {
        let periods = ReportingPeriod.periods(in: options.reportingMonths)
        var submitted: [String: [ReportingPeriod: CivilDate]] = [:]
        var approved: [String: Set<ReportingPeriod>] = [:]
        try db.forEachRow(
            """
            SELECT r.org, r.period, min(r.created), count(r.approved_by) FROM \(scope.records("progress_report"))
            AND r.period IN \(db.dialect.jsonTextList)
            GROUP BY r.org, r.period
            """, scope.recordArguments + [SQLDialect.jsonList(periods.map(\.description))]
        ) { row in
            guard let text: String = row[1], let period = ReportingPeriod(parsing: text), let stamp: Int64 = row[2]
            else { return }
            // When the report was made at its unit: the stamp of its creating edit, however
            // late it arrived here.
            let made = Date(timeIntervalSince1970: Double(HLCTimestamp(rawValue: stamp).physical) / 1000)
            submitted[row[0], default: [:]][period] = ReportOptions.today(now: made)
            if row[3] as Int > 0 { approved[row[0], default: []].insert(period) }
        }

        var counts = Array(repeating: Counts(), count: scope.bucketCount)
        var byPeriod = Array(repeating: Counts(), count: periods.count)
        var unitRows: [ReportTable.Row] = []
        for unit in scope.grassRootsUnits {
            guard let bucket = scope.bucket(of: unit.code) else { continue }
            var unitCounts = Counts(units: 1)
            var cells: [ReportTable.Value] = [.text(unit.code), .text(unit.name), .text(LevelName.of(unit.level))]
            for (index, period) in periods.enumerated() {
                let status = PeriodStatus(period: period, submitted: submitted[unit.code]?[period], asOf: options.asOf)
                if approved[unit.code]?.contains(period) == true { unitCounts.approved += 1 }
                unitCounts.statuses[status, default: 0] += 1
                byPeriod[index].statuses[status, default: 0] += 1
                cells.append(.text(status.title))
            }
            counts[bucket].add(unitCounts)
            unitRows.append(
                .init(org: unit.code, cells + [.int(unitCounts[.late]), .int(unitCounts[.missing])]))
        }

        let statusColumns: [ReportTable.Column] = [
            .number("onTime", "按时"), .number("late", "迟报"), .number("missing", "未报"), .number("notYetDue", "未到期"),
        ]
        let summary = scope.summaryTable(
            title: "进展报告报送汇总（\(periods.first?.description ?? "")至\(periods.last?.description ?? "")）",
            columns: [.number("units", "应报单位"), .number("due", "应报期次")] + statusColumns + [
                .number("onTimeRate", "按时率(%)"), .number("approved", "上级已审核"),
            ],
            counts: counts
        ) { c in
            let due = c[.onTime] + c[.late] + c[.missing]
            return [.int(c.units), .int(due)] + PeriodStatus.allCases.map { .int(c[$0]) } + [
                percent(c[.onTime], of: due), .int(c.approved),
            ]
        }
        let periodTable = ReportTable(
            key: "by-period", title: "各期报送情况",
            columns: [.text("period", "期次"), .text("dueDate", "截止日期")] + statusColumns,
            rows: periods.enumerated().map { index, period in
                .init(
                    org: nil,
                    [.text(period.description), .text(period.dueDate.description)]
                        + PeriodStatus.allCases.map { .int(byPeriod[index][$0]) })
            })
        let units = scope.detailTable(
            key: "units", title: "各单位各期报送情况",
            columns: [.text("org", "代码"), .text("name", "单位"), .text("level", "层级")]
                + periods.map { .text($0.description, $0.description) } + [
                    .number("late", "迟报期数"), .number("missing", "未报期数"),
                ],
            rows: unitRows, limit: options.detailLimit)
        return Report(
            kind: .timeliness, org: scope.reportOrg, asOf: options.asOf,
            notes: [
                "上半月报告截止当月15日，下半月报告截止当月最后一天（北京时间）",
                "截止日期在 \(options.asOf) 及以后且未报送的期次计为未到期",
            ],
            tables: [summary, periodTable, units])
    }
}
