import TierSyncSpreadsheet

/// Which row of a sheet holds the headers and which field each column fills: the labels the
/// export writes, the field keys, the CLI names or a common synonym (手机 / 手机号 / 联系电话).
/// Title rows above the headers are left out; a header merged over several columns is
/// refused, since no field can be told from it.
struct ImportColumns {
    static let orgKey = "org"
    static let idKey = "id"

    /// The header row, 0-based.
    let headerRow: Int
    /// Column index → field key (`org` and `id` included).
    let fields: [Int: String]
    let ignored: [String]
    let described: [ImportReport.Column]

    /// How many rows from the top may be titles before the headers.
    static let searchedRows = 10

    init(sheet: Sheet, kind: ImportKind) throws {
        var names: [String: String] = [:]
        for spec in kind.fields {
            for name in [spec.field, spec.flag, spec.label] + spec.aliases + (ImportKind.synonyms[spec.field] ?? []) {
                names[Self.normalized(name)] = names[Self.normalized(name)] ?? spec.field
            }
        }
        for key in [Self.orgKey, Self.idKey] {
            for name in [key] + (ImportKind.synonyms[key] ?? []) { names[Self.normalized(name)] = key }
        }
        func mapping(_ row: Int) -> [Int: String] {
            var fields: [Int: String] = [:]
            for (column, cell) in sheet.rows[row].enumerated() {
                guard case .text(let text) = cell, let field = names[Self.normalized(text)],
                    !fields.values.contains(field)
                else { continue }
                fields[column] = field
            }
            return fields
        }
        let candidates = (0..<min(Self.searchedRows, sheet.rows.count)).map { ($0, mapping($0)) }
        guard let best = candidates.max(by: { $0.1.count < $1.1.count || ($0.1.count == $1.1.count && $0.0 > $1.0) }),
            best.1.count >= 2
        else {
            throw DomainError.procedure(
                "no header row: none of the first \(Self.searchedRows) rows names two columns of a \(kind.rawValue) sheet (expected headers such as "
                    + kind.fields.prefix(4).map(\.label).joined(separator: ", ")
                    + "; `tiersync template` writes a sheet with them)",
                chinese: "找不到表头：前 \(Self.searchedRows) 行中没有一行含有两个以上可识别的列名（如"
                    + kind.fields.prefix(4).map(\.label).joined(separator: "、") + "）。请下载模板，按模板的列名填写。",
                forbidden: false)
        }
        if let merged = sheet.merges.first(where: { $0.contains(row: best.0) && $0.lastColumn > $0.firstColumn }) {
            throw DomainError.procedure(
                "merged header cells \(merged.reference) in row \(best.0 + 1): unmerge them so that each column has its own header",
                chinese: "表头第 \(best.0 + 1) 行有合并单元格 \(merged.reference)：请取消合并，让每一列都有自己的列名后再导入。",
                forbidden: false)
        }
        headerRow = best.0
        fields = best.1
        described = best.1.keys.sorted().map { column in
            ImportReport.Column(
                column: CellReference.letters(column), header: Self.text(sheet.cell(row: best.0, column: column)),
                field: best.1[column]!)
        }
        ignored = sheet.rows[best.0].indices.filter { best.1[$0] == nil }.map { sheet.cell(row: best.0, column: $0) }
            .filter { !$0.isEmpty }.map(Self.text)
    }

    /// A header as compared: no spaces, no required-marks, no note in parentheses.
    static func normalized(_ header: String) -> String {
        var text = header.lowercased().filter { !$0.isWhitespace && $0 != "*" && $0 != "＊" }
        for (open, close) in [("（", "）"), ("(", ")")] {
            if let start = text.range(of: open),
                let end = text.range(of: close, range: start.upperBound..<text.endIndex)
            {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        return text.replacingOccurrences(of: "_", with: "-")
    }

    static func text(_ cell: Cell) -> String {
        switch cell {
        case .empty: ""
        case .text(let text): text
        case .number(let number, _): ImportCell.plain(number)
        }
    }
}
