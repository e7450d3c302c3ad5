/// A report as aligned terminal tables: numbers right-aligned, text left-aligned, East
/// Asian wide characters counted as two columns so Chinese headers and names line up.
///
/// ```swift
/// print(ReportText.render(report))
/// // 应急预案覆盖情况：钟山区（520201），截至 2026-11-29
/// // ...
/// ```
public enum ReportText {
    /// Text cells wider than this are cut with an ellipsis (CSV and JSON keep them whole).
    public static let maxCellWidth = 60

    public static func render(_ report: Report) -> String {
        var out = "\(report.kind.title)：\(report.org.name)（\(report.org.code)），截至 \(report.asOf)\n"
        for note in report.notes { out += "  注：\(note)\n" }
        for table in report.tables { out += "\n" + render(table) }
        return out
    }

    public static func render(_ table: ReportTable) -> String {
        var out = "【\(table.title)】\n"
        guard !table.rows.isEmpty else { return out + "（无）\n" }
        let header = table.columns.map(\.title)
        let body = table.rows.map { $0.cells.map { truncate($0.text) } }
        let widths = table.columns.indices.map { column in
            ([header] + body).map { width(of: $0[column]) }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - width(of: cell))
                return table.columns[column].kind == .number ? padding + cell : cell + padding
            }
            return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        out += line(header)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for cells in body { out += line(cells) }
        if table.totalRows > table.rows.count {
            out += "（仅列出前 \(table.rows.count) 行，共 \(table.totalRows) 行；--limit 0 列出全部）\n"
        }
        return out
    }

    /// Terminal columns of `text`: East Asian wide and fullwidth characters take two,
    /// combining marks none.
    public static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            sum + (isWide(scalar) ? 2 : (scalar.properties.generalCategory == .nonspacingMark ? 0 : 1))
        }
    }

    /// The East Asian Wide (W) and Fullwidth (F) ranges that occur in Chinese text.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` on one line, cut with an ellipsis to at most `maxWidth` terminal columns.
    public static func truncate(_ text: String, to maxWidth: Int = maxCellWidth) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard width(of: flat) > maxWidth else { return flat }
        var result = ""
        var used = 0
        for character in flat {
            let next = width(of: String(character))
            if used + next > maxWidth - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }
}
