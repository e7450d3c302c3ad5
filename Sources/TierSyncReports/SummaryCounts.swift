/// Figures a report adds up per bucket (a direct child, or the root's own records) and in
/// total.
protocol SummaryCounts: Equatable {
    init()
    mutating func add(_ other: Self)
}

extension ReportScope {
    /// The summary table: a row per direct child, a "本级" row for the root's own records when
    /// it has any, and a total row. `cells` turns one bucket's counts into the cells after the
    /// code and name columns, so percentages are computed from the counts of the row itself
    /// (the total's from the totals, never an average of percentages).
    func summaryTable<Counts: SummaryCounts>(
        title: String, columns: [ReportTable.Column], counts: [Counts], cells: (Counts) -> [ReportTable.Value]
    ) -> ReportTable {
        var rows: [ReportTable.Row] = []
        var total = Counts()
        for (index, child) in children.enumerated() {
            rows.append(.init(org: child.code, [.text(child.code), .text(child.name)] + cells(counts[index])))
            total.add(counts[index])
        }
        if counts[ownBucket] != Counts() {
            rows.append(
                .init(org: root.code, [.text(root.code), .text("本级（\(root.name)）")] + cells(counts[ownBucket])))
            total.add(counts[ownBucket])
        }
        rows.append(.init(org: root.code, isTotal: true, [.text(root.code), .text("合计")] + cells(total)))
        return ReportTable(
            key: "summary", title: title, columns: [.text("org", "代码"), .text("name", "单位")] + columns, rows: rows)
    }

    /// A detail table cut to `limit` rows, remembering how many there were.
    func detailTable(
        key: String, title: String, columns: [ReportTable.Column], rows: [ReportTable.Row], limit: Int?
    ) -> ReportTable {
        let kept = limit.map { Array(rows.prefix(max(0, $0))) } ?? rows
        return ReportTable(key: key, title: title, columns: columns, rows: kept, totalRows: rows.count)
    }
}

/// A percentage to one decimal, or empty when there is nothing to divide by.
func percent(_ part: Int, of whole: Int) -> ReportTable.Value {
    guard whole > 0 else { return .empty }
    return .number((Double(part) * 1000 / Double(whole)).rounded() / 10)
}
