import Foundation
import TierSyncSpreadsheet

/// A spreadsheet file as an import reads it: XLSX (the first sheet, or the one named), or
/// CSV in UTF-8 or GB18030 (its cells all text, as the file holds them).
public enum SheetFile {
    public static func read(path: String, sheet: String? = nil) throws -> (sheet: Sheet, encoding: String?) {
        let lower = path.lowercased()
        guard FileManager.default.fileExists(atPath: path) else {
            throw DomainError.invalidValue(field: "file", value: path, allowed: "an existing .xlsx or .csv file")
        }
        if lower.hasSuffix(".xlsx") { return (try XLSXReader.read(path: path, sheet: sheet), nil) }
        guard lower.hasSuffix(".csv") || lower.hasSuffix(".txt") else {
            throw DomainError.invalidValue(
                field: "file", value: path,
                allowed: "an .xlsx workbook or a .csv file (an old .xls: save it as .xlsx first)")
        }
        let (text, encoding) = try TextDecoding.decode(try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
        let rows = CSV.parse(text).map { $0.map { $0.isEmpty ? Cell.empty : Cell.text($0) } }
        return (Sheet(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, rows: rows), encoding)
    }
}
