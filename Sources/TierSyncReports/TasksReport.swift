import TierSyncCore
import TierSyncStore

/// Tasks tracked to close-out (销号管理): which units have tasks open past their deadline.
///
/// Rules: a live task is **overdue** when it is open and its deadline is before the as-of date;
/// **closed late** when it was closed out after its deadline; cancelled tasks count apart and
/// are never late; a task whose unit asked for close-out (申请销号) waits for the level above
/// and counts apart. Closed-out rate = closed ÷ (all tasks but the cancelled ones).
struct TasksReport {
    let scope: ReportScope
    let options: ReportOptions
    let db: any SQLReader

    struct Counts: SummaryCounts {
        var tasks = 0, open = 0, overdue = 0, closed = 0, closedLate = 0, cancelled = 0, requested = 0
        mutating func add(_ other: Counts) {
            (tasks, open, overdue) = (tasks + other.tasks, open + other.open, overdue + other.overdue)
            requested += other.requested
            (closed, closedLate, cancelled) =
                (closed + other.closed, closedLate + other.closedLate, cancelled + other.cancelled)
        }
    }

    func make() throws -> Report {
        let asOf = options.asOf.description
        var counts = Array(repeating: Counts(), count: scope.bucketCount)
        try db.forEachRow(
            """
            SELECT r.org, count(*), count(*) FILTER (WHERE r.status = 'open'),
                   count(*) FILTER (WHERE r.status = 'open' AND r.deadline < ?),
                   count(*) FILTER (WHERE r.status = 'closed'),
                   count(*) FILTER (WHERE r.status = 'closed' AND r.closed_on > r.deadline),
                   count(*) FILTER (WHERE r.status = 'cancelled'), count(*) FILTER (WHERE r.status = 'close-requested')
            FROM \(scope.records("task")) GROUP BY r.org
            """, [.text(asOf)] + scope.recordArguments
        ) { row in
            guard let bucket = scope.bucket(of: row[0]) else { return }
            counts[bucket].add(
                Counts(
                    tasks: row[1], open: row[2], overdue: row[3], closed: row[4], closedLate: row[5], cancelled: row[6],
                    requested: row[7])
            )
        }
        let summary = scope.summaryTable(
            title: "任务销号汇总",
            columns: [
                .number("tasks", "任务数"), .number("open", "进行中"), .number("overdue", "逾期未销号"),
                .number("requested", "申请销号待审"),
                .number("closed", "已销号"), .number("closedLate", "逾期销号"), .number("cancelled", "已取消"),
                .number("closedRate", "销号率(%)"),
            ],
            counts: counts
        ) { c in
            [
                .int(c.tasks), .int(c.open), .int(c.overdue), .int(c.requested), .int(c.closed), .int(c.closedLate),
                .int(c.cancelled),
                percent(c.closed, of: c.tasks - c.cancelled),
            ]
        }
        return Report(
            kind: .tasks, org: scope.reportOrg, asOf: options.asOf,
            notes: ["逾期未销号：状态为进行中且完成时限早于 \(asOf)；逾期销号：销号日期晚于完成时限"],
            tables: [summary, try overdue(asOf: asOf)])
    }

    /// The open tasks past their deadline, oldest deadline first, with their unit.
    func overdue(asOf: String) throws -> ReportTable {
        var rows: [(order: Int, deadline: String, id: String, row: ReportTable.Row)] = []
        let today = options.asOf.daysSinceEpoch
        try db.forEachRow(
            """
            SELECT r.org, r.title, r.deadline, r.note, r.id FROM \(scope.records("task"))
            AND r.status = 'open' AND r.deadline < ?
            """, scope.recordArguments + [.text(asOf)]
        ) { row in
            let org: String = row[0]
            guard scope.bucket(of: org) != nil, let unit = scope.unit(org) else { return }
            let deadline: String = row[2]
            let late = CivilDate(parsing: deadline).map { today - $0.daysSinceEpoch } ?? 0
            rows.append(
                (
                    scope.pathOrder[org] ?? 0, deadline, row[4],
                    .init(
                        org: org,
                        [
                            .text(org), .text(unit.name), .text(LevelName.of(unit.level)), .text(row[1] ?? ""),
                            .text(deadline), .int(late), .text(row[3] ?? ""),
                        ])
                ))
        }
        // The id last: rows alike otherwise come in the same order from either store.
        rows.sort { ($0.deadline, $0.order, $0.id) < ($1.deadline, $1.order, $1.id) }
        return scope.detailTable(
            key: "overdue-tasks", title: "逾期未销号的任务",
            columns: [
                .text("org", "代码"), .text("name", "责任单位"), .text("level", "层级"), .text("title", "任务"),
                .text("deadline", "完成时限"), .number("daysLate", "逾期天数"), .text("note", "进展"),
            ],
            rows: rows.map(\.row), limit: options.detailLimit)
    }
}
