import TierSyncDomain

/// Reports as CSV that spreadsheet programs open with Chinese intact: RFC 4180 (CRLF lines,
/// quoted cells where needed), UTF-8 with a byte-order mark, headers in Chinese.
///
/// One table is one plain CSV file (`table`), the form a dashboard's download link serves.
/// A whole report (`report`) is the tables one after another in one file: each section is a
/// line holding the table's title, its header line, its rows, and an empty line.
///
/// ```swift
/// let csv = ReportCSV.table(report.table("summary")!)   // "\u{FEFF}代码,单位,应有预案单位,…\r\n…"
/// ```
public enum ReportCSV {
    /// One table: the header line, then one line per row. A cut detail table lists the rows it
    /// holds; ask for the report with `detailLimit: nil` to export every row.
    public static func table(_ table: ReportTable, byteOrderMark: Bool = true) -> String {
        var out = byteOrderMark ? CSV.byteOrderMark : ""
        out += CSV.line(table.columns.map(\.title))
        for row in table.rows { out += CSV.line(row.cells.map(\.text)) }
        return out
    }

    /// Every table of `report` as sections of one file, after a first line naming the report,
    /// its org and its as-of date.
    public static func report(_ report: Report) -> String {
        var out = CSV.byteOrderMark
        out += CSV.line(["\(report.kind.title)：\(report.org.name)（\(report.org.code)），截至 \(report.asOf)"])
        out += "\r\n"
        for table in report.tables {
            var title = table.title
            if table.totalRows > table.rows.count { title += "（前 \(table.rows.count) 行，共 \(table.totalRows) 行）" }
            out += CSV.line([title])
            out += Self.table(table, byteOrderMark: false)
            out += "\r\n"
        }
        return out
    }
}
