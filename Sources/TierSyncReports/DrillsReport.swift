import TierSyncCore
import TierSyncStore

/// Drills: how many, with how many participants, per org and month (`YYYY-MM` of
/// `held_on`).
///
/// Rules: live drills held in the report's months (default: the twelve months ending with
/// the as-of month) and on or before the as-of date count; a township, village or
/// enterprise with none in the range is listed as without a drill.
struct DrillsReport {
    let scope: ReportScope
    let options: ReportOptions
    let db: any SQLReader

    struct Counts: SummaryCounts {
        var units = 0, unitsWithDrill = 0, drills = 0, participants = 0
        var byMonth: [String: (drills: Int, participants: Int)] = [:]
        mutating func add(_ o: Counts) {
            (units, unitsWithDrill) = (units + o.units, unitsWithDrill + o.unitsWithDrill)
            (drills, participants) = (drills + o.drills, participants + o.participants)
            byMonth.merge(o.byMonth) { ($0.drills + $1.drills, $0.participants + $1.participants) }
        }
        static func == (a: Counts, b: Counts) -> Bool {
            (a.units, a.unitsWithDrill, a.drills, a.participants) == (
                b.units, b.unitsWithDrill, b.drills, b.participants
            )
        }
    }

    func make() throws -> Report {
        let months = YearMonth.months(options.drillMonths).map(\.description)
        let range = options.drillMonths
        let first = CivilDate(year: range.lowerBound.year, month: range.lowerBound.month, day: 1)!.description
        let lastDay = CivilDate.daysIn(month: range.upperBound.month, year: range.upperBound.year)
        let last = min(
            CivilDate(year: range.upperBound.year, month: range.upperBound.month, day: lastDay)!, options.asOf
        ).description
        var perUnit: [String: Counts] = [:]
        var detail: [(Int, String, ReportTable.Row)] = []
        try db.forEachRow(
            """
            SELECT r.org, substr(r.held_on, 1, 7) AS month, count(*), coalesce(sum(r.participants), 0)
            FROM \(scope.records("drill")) AND r.held_on >= ? AND r.held_on <= ?
            GROUP BY r.org, month
            """, scope.recordArguments + [.text(first), .text(last)]
        ) { row in
            // held_on is required, so a row without it (a malformed peer record) is skipped.
            guard let month: String = row[1], let order = scope.pathOrder[row[0]] else { return }
            let (org, drills, participants): (String, Int, Int) = (row[0], row[2], row[3])
            perUnit[org, default: Counts()].drills += drills
            perUnit[org, default: Counts()].participants += participants
            perUnit[org, default: Counts()].byMonth[month] = (drills, participants)
            detail.append(
                (
                    order, month,
                    .init(
                        org: org, [.text(org), .text(scope.name(org)), .text(month), .int(drills), .int(participants)])
                ))
        }
        detail.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var counts = Array(repeating: Counts(), count: scope.bucketCount)
        var without: [ReportTable.Row] = []
        for unit in scope.units {
            guard let bucket = scope.bucket(of: unit.code) else { continue }
            var unitCounts = perUnit[unit.code] ?? Counts()
            if ReportScope.grassRootsLevels.contains(unit.level) {
                unitCounts.units = 1
                unitCounts.unitsWithDrill = unitCounts.drills > 0 ? 1 : 0
                if unitCounts.drills == 0 {
                    without.append(
                        .init(org: unit.code, [.text(unit.code), .text(unit.name), .text(LevelName.of(unit.level))]))
                }
            }
            counts[bucket].add(unitCounts)
        }

        let summary = scope.summaryTable(
            title: "演练开展汇总（\(months.first ?? "")至\(months.last ?? "")）",
            columns: [
                .number("units", "应开展单位"), .number("unitsWithDrill", "已开展单位"), .number("unitsWithout", "未开展单位"),
                .number("drills", "演练次数"), .number("participants", "参演人次"),
            ],
            counts: counts
        ) { c in
            [
                .int(c.units), .int(c.unitsWithDrill), .int(c.units - c.unitsWithDrill), .int(c.drills),
                .int(c.participants),
            ]
        }
        let monthColumns = months.map { ReportTable.Column.number($0, $0) }
        var drillsByMonth = scope.summaryTable(title: "各月演练次数", columns: monthColumns, counts: counts) { c in
            months.map { .int(c.byMonth[$0]?.drills ?? 0) }
        }
        var participantsByMonth = scope.summaryTable(title: "各月参演人次", columns: monthColumns, counts: counts) { c in
            months.map { .int(c.byMonth[$0]?.participants ?? 0) }
        }
        drillsByMonth = drillsByMonth.renamed("drills-by-month")
        participantsByMonth = participantsByMonth.renamed("participants-by-month")
        return Report(
            kind: .drills, org: scope.reportOrg, asOf: options.asOf,
            notes: ["统计期间：\(first) 至 \(last)（按演练日期）"],
            tables: [
                summary, drillsByMonth, participantsByMonth,
                scope.detailTable(
                    key: "units-by-month", title: "各单位各月演练",
                    columns: [
                        .text("org", "代码"), .text("name", "单位"), .text("month", "月份"), .number("drills", "演练次数"),
                        .number("participants", "参演人次"),
                    ],
                    rows: detail.map(\.2), limit: options.detailLimit),
                scope.detailTable(
                    key: "units-without-drill", title: "统计期间未开展演练的单位",
                    columns: [.text("org", "代码"), .text("name", "单位"), .text("level", "层级")], rows: without,
                    limit: options.detailLimit),
            ])
    }
}

extension ReportTable {
    /// The same table under another key (the summary helper names its table `summary`).
    func renamed(_ key: String) -> ReportTable {
        ReportTable(key: key, title: title, columns: columns, rows: rows, totalRows: totalRows)
    }
}
