import Foundation
import TierSyncReports

/// A table as the `table` template prints it: headers, rows of cells (numbers aligned
/// right, org names linked to their own page), an optional CSV link and a note when cut.
///
/// ```swift
/// let view = TableView(report.tables[0], link: { "/orgs/\($0)" }, csv: "/v1/reports/coverage?org=520200&format=csv&table=summary")
/// ```
public struct TableView: Sendable {
    public struct Header: Sendable {
        public let title: String
        public let isNumber: Bool
    }

    public struct Cell: Sendable {
        public let text: String
        public let isNumber: Bool
        /// Set on the name cell of a row about another org: its page (the drill-down).
        public let href: String?
        /// The column's key, so that a test (or a script) can find a figure by name.
        public let key: String
    }

    public struct Row: Sendable {
        public let org: String
        public let isTotal: Bool
        public let cells: [Cell]
    }

    public let key: String
    public let title: String
    public let headers: [Header]
    public let rows: [Row]
    public let isEmpty: Bool
    public let csvHref: String?
    /// "仅显示前 N 行，共 M 行" when the report cut the table.
    public let note: String?

    public init(key: String, title: String, headers: [Header], rows: [Row], csvHref: String? = nil, note: String? = nil)
    {
        self.key = key
        self.title = title
        self.headers = headers
        self.rows = rows
        self.isEmpty = rows.isEmpty
        self.csvHref = csvHref
        self.note = note
    }

    /// A report table. `link(org)` gives the page a row's name cell links to, or nil to
    /// leave it plain (the org's own row, the total).
    public init(_ table: ReportTable, link: (String) -> String?, csvHref: String?) {
        let nameColumn = table.columns.firstIndex { $0.key == "name" || $0.key == "unit" }
        self.init(
            key: table.key, title: table.title,
            headers: table.columns.map { Header(title: $0.title, isNumber: $0.kind == .number) },
            rows: table.rows.map { row in
                let href = row.isTotal ? nil : row.org.flatMap(link)
                return Row(
                    org: row.org ?? "", isTotal: row.isTotal,
                    cells: zip(table.columns.indices, zip(table.columns, row.cells)).map { index, pair in
                        Cell(
                            text: pair.1.text, isNumber: pair.0.kind == .number,
                            href: index == nameColumn ? href : nil, key: pair.0.key)
                    })
            },
            csvHref: csvHref,
            note: table.totalRows > table.rows.count
                ? "仅显示前 \(table.rows.count) 行，共 \(table.totalRows) 行（CSV 同样截断，可用 limit=0 下载全部）" : nil)
    }
}
