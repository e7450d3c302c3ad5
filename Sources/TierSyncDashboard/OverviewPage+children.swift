import Foundation
import TierSyncReports

extension OverviewPage {
    /// The columns of the children table: (report, summary column, header).
    static let childColumns: [(kind: ReportKind, key: String, title: String)] = [
        (.coverage, "required", "应有预案单位"), (.coverage, "coverage", "预案覆盖率(%)"), (.coverage, "missing", "无预案单位"),
        (.contacts, "officersShort", "信息员不足两名单位"), (.contacts, "stale", "超期未确认联系人"),
        (.drills, "drills", "演练次数"), (.timeliness, "onTimeRate", "按时率(%)"), (.timeliness, "missing", "未报期次"),
        (.reserves, "items", "在库物资品种"), (.tasks, "overdue", "逾期未销号任务"),
    ]

    /// A row per direct child, the org's own records ("本级") and the total, with figures
    /// from the summary tables of every report; a child's name links to its own overview.
    static func childTable(org: String, reports: [ReportKind: Report]) -> TableView {
        guard let coverage = reports[.coverage]?.table("summary") else {
            return TableView(key: "children", title: "下级单位", headers: [], rows: [])
        }
        let headers =
            [TableView.Header(title: "单位", isNumber: false)]
            + childColumns.map { TableView.Header(title: $0.title, isNumber: true) }
        // Every child has a row in every summary; the org's own row only in reports where
        // it has records of that kind, so it is shown when any report has one.
        var keys = coverage.rows.filter { !$0.isTotal && $0.org != org }.map {
            (code: $0.org ?? "", isTotal: false, name: coverage.value($0, "name")?.text ?? "")
        }
        let summaries = ReportKind.allCases.compactMap { reports[$0]?.table("summary") }
        if let (table, row) = summaries.lazy.compactMap({ table in table.row(org: org).map { (table, $0) } }).first {
            keys.append((org, false, table.value(row, "name")?.text ?? "本级"))
        }
        keys.append((org, true, "合计"))
        let rows = keys.map { key -> TableView.Row in
            let href = key.isTotal || key.code == org ? nil : "/orgs/\(key.code)"
            let figures = childColumns.map { column -> TableView.Cell in
                let table = reports[column.kind]?.table("summary")
                let match = table?.rows.first { $0.org == key.code && $0.isTotal == key.isTotal }
                let text = match.flatMap { table?.value($0, column.key)?.text } ?? ""
                return TableView.Cell(text: text, isNumber: true, href: nil, key: column.key)
            }
            return TableView.Row(
                org: key.code, isTotal: key.isTotal,
                cells: [TableView.Cell(text: key.name, isNumber: false, href: href, key: "name")] + figures)
        }
        return TableView(key: "children", title: "下级单位（点击单位名称逐级查看）", headers: headers, rows: rows)
    }
}
