import Foundation
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// The overview of one org's subtree (`GET /orgs/{code}`), as plain values the `overview`
/// template prints: headline figures, charts, the table of direct children (the
/// drill-down), sync health per enrolled child node and the open conflicts.
///
/// ```swift
/// let page = OverviewPage(try DashboardData.load(hub: node, org: unit, scope: scope, options: ReportOptions()))
/// page.figures.first { $0.key == "coverage" }?.value   // "75"
/// ```
///
/// Every figure is a cell of a `Report` table, never recomputed here, so the page and
/// `tiersync report` cannot disagree.
public struct OverviewPage: Sendable {
    public let org: OrgLink
    public let asOf: String
    /// When the figures were summed up (China Standard Time), and whether newer changes
    /// are being summed up now (see `RollupCache`).
    public let madeAt: String
    public let refreshing: Bool
    /// From the operator's scope down to this org; the last one is this page.
    public let breadcrumbs: [OrgLink]
    public let figures: [Figure]
    public let charts: [BarChart]
    public let children: TableView
    public let reports: [ReportLink]
    public let syncHealth: [SyncRow]
    public let hasSyncHealth: Bool
    public let conflicts: [ConflictLine]
    public let hasConflicts: Bool
    /// The subtree's newest attachments, each a download link.
    public let files: [FileLine]
    public let hasFiles: Bool
    /// Whether files and conflicts link to the pages where people download and settle them:
    /// not for an operator, who only reads the consolidated view.
    public let staffLinks: Bool

    public init(_ data: DashboardData, staffLinks: Bool = true) {
        self.staffLinks = staffLinks
        let coverage = data.reports[.coverage]?.table("summary")
        let contacts = data.reports[.contacts]?.table("summary")
        let drills = data.reports[.drills]?.table("summary")
        let timeliness = data.reports[.timeliness]?.table("summary")
        let reserves = data.reports[.reserves]?.table("summary")
        let tasks = data.reports[.tasks]?.table("summary")
        org = OrgLink(data.org)
        asOf = data.reports[.coverage]?.asOf.description ?? ""
        madeAt = Self.clockTime(data.madeAt)
        refreshing = !data.current
        breadcrumbs = data.trail.map(OrgLink.init)
        func total(_ table: ReportTable?, _ key: String) -> String {
            table.flatMap { table in table.total.flatMap { table.value($0, key)?.text } } ?? ""
        }
        figures = [
            Figure(key: "coverage", label: "预案覆盖率", value: total(coverage, "coverage"), unit: "%"),
            Figure(key: "missing-plans", label: "无预案单位", value: total(coverage, "missing"), unit: "个"),
            Figure(key: "officers-short", label: "信息员不足两名单位", value: total(contacts, "officersShort"), unit: "个"),
            Figure(key: "drills", label: "演练次数", value: total(drills, "drills"), unit: "次"),
            Figure(key: "participants", label: "参演人次", value: total(drills, "participants"), unit: "人次"),
            Figure(key: "on-time-rate", label: "进展报告按时率", value: total(timeliness, "onTimeRate"), unit: "%"),
            Figure(key: "reports-missing", label: "未报期次", value: total(timeliness, "missing"), unit: "期"),
            Figure(key: "items", label: "在库物资品种", value: total(reserves, "items"), unit: "种"),
            Figure(key: "overdue-tasks", label: "逾期未销号任务", value: total(tasks, "overdue"), unit: "项"),
            Figure(key: "conflicts", label: "待处理冲突", value: String(data.conflicts.count), unit: "条"),
        ]
        charts = Self.charts(data.reports)
        children = Self.childTable(org: data.org.code, reports: data.reports)
        reports = ReportKind.allCases.map { ReportLink(kind: $0, org: data.org.code) }
        syncHealth = data.children.map(SyncRow.init)
        hasSyncHealth = !syncHealth.isEmpty
        conflicts = data.conflicts.map { ConflictLine($0, names: data.names) }
        hasConflicts = !conflicts.isEmpty
        files = data.attachments.map { FileLine($0, names: data.names) }
        hasFiles = !files.isEmpty
    }

    /// The charts: plan coverage, information-officer shortfall, report timeliness and
    /// overdue tasks per direct child; reserves held per item, grouped by category; drills per
    /// month.
    static func charts(_ reports: [ReportKind: Report]) -> [BarChart] {
        func perChild(_ kind: ReportKind, _ key: String) -> [(label: String, value: Double, text: String)] {
            guard let table = reports[kind]?.table("summary"), let names = Optional(table.column("name")) else {
                return []
            }
            return zip(table.rows, zip(names, table.column(key))).compactMap { row, cells in
                guard !row.isTotal else { return nil }
                if case .number(let number) = cells.1 { return (cells.0.text, number, cells.1.text) }
                return (cells.0.text, 0, "—")
            }
        }
        var held: [(label: String, value: Double, text: String)] = []
        if let table = reserves(reports) {
            for row in table.rows {
                let cell = { (key: String) in table.value(row, key) ?? .empty }
                guard case .number(let quantity) = cell("held") else { continue }
                held.append(
                    (cell("category").text + "·" + cell("item").text, quantity, cell("held").text + cell("unit").text))
            }
        }
        var months: [(label: String, value: Double, text: String)] = []
        if let table = reports[.drills]?.table("drills-by-month"), let total = table.total {
            for (column, cell) in zip(table.columns, total.cells) where column.kind == .number {
                if case .number(let count) = cell { months.append((column.title, count, cell.text)) }
            }
        }
        return [
            BarChart(key: "coverage", title: "各单位预案覆盖率（%）", items: perChild(.coverage, "coverage"), maximum: 100),
            BarChart(key: "officers-short", title: "各单位信息员不足两名的单位数", items: perChild(.contacts, "officersShort")),
            BarChart(key: "reserves", title: "物资结存（按类别·物资）", items: held),
            BarChart(key: "drills-by-month", title: "各月演练次数", items: months),
            BarChart(
                key: "on-time-rate", title: "各单位进展报告按时率（%）", items: perChild(.timeliness, "onTimeRate"), maximum: 100),
            BarChart(key: "overdue-tasks", title: "各单位逾期未销号任务数", items: perChild(.tasks, "overdue")),
        ]
    }

    private static func reserves(_ reports: [ReportKind: Report]) -> ReportTable? {
        reports[.reserves]?.table("by-category")
    }

    /// `14:05:09`, the time of day in China Standard Time.
    static func clockTime(_ date: Date) -> String {
        let seconds = (Int(date.timeIntervalSince1970) + 8 * 3600) % 86_400
        return String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}
