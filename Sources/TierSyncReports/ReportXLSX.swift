import TierSyncSpreadsheet

/// Reports as XLSX workbooks: each table a sheet named after its title, its first row the
/// Chinese headers, numbers as numbers (so a spreadsheet sums them).
///
/// ```swift
/// try XLSXWriter.write(ReportXLSX.sheets(report), to: "coverage.xlsx")
/// ```
public enum ReportXLSX {
    public static func sheets(_ report: Report) -> [Sheet] {
        report.tables.map(sheet)
    }

    public static func sheet(_ table: ReportTable) -> Sheet {
        Sheet(
            name: table.title,
            rows: [table.columns.map { .text($0.title) }]
                + table.rows.map { row in
                    row.cells.map { value in
                        switch value {
                        case .text(let text): .text(text)
                        case .number(let number): .number(number)
                        case .empty: .empty
                        }
                    }
                })
    }
}
