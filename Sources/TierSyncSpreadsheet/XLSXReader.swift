import Foundation
import ZIPFoundation

/// Reads one sheet of an XLSX workbook (Office Open XML, as Excel, WPS and LibreOffice save
/// it): shared and inline strings, numbers, which numbers are dates (by their cell style),
/// and merged ranges. ZIPFoundation opens the package; Foundation's XMLParser streams each part.
///
/// ```swift
/// let sheet = try XLSXReader.read(path: "联系人.xlsx")             // the first sheet
/// let ledger = try XLSXReader.read(path: "台账.xlsx", sheet: "物资")
/// ```
public enum XLSXReader {
    /// The sheet named `sheet`, or the workbook's first.
    public static func read(path: String, sheet name: String? = nil) throws -> Sheet {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw SpreadsheetError.notXLSX(path, reason: "not a ZIP package")
        }
        let sheets = try workbookSheets(archive, path: path)
        let chosen = name.map { wanted in sheets.first { $0.name == wanted } } ?? sheets.first
        guard let target = chosen else {
            throw SpreadsheetError.noSuchSheet(name ?? "", available: sheets.map(\.name))
        }
        let strings = try sharedStrings(archive)
        let dateStyles = try self.dateStyles(archive)
        return try parseSheet(
            try data(archive, target.part), name: target.name, strings: strings, dateStyles: dateStyles)
    }

    /// The workbook's sheet names, in order.
    public static func sheetNames(path: String) throws -> [String] {
        guard let archive = try? Archive(url: URL(fileURLWithPath: path), accessMode: .read) else {
            throw SpreadsheetError.notXLSX(path, reason: "not a ZIP package")
        }
        return try workbookSheets(archive, path: path).map(\.name)
    }

    // MARK: parts

    static func data(_ archive: Archive, _ part: String) throws -> Data {
        guard let entry = archive[part] else { throw SpreadsheetError.malformed(part, reason: "missing") }
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        return data
    }

    /// (name, part path) of each sheet, from `xl/workbook.xml` and its relationships.
    static func workbookSheets(_ archive: Archive, path: String) throws -> [(name: String, part: String)] {
        guard archive["xl/workbook.xml"] != nil else {
            throw SpreadsheetError.notXLSX(path, reason: "no xl/workbook.xml")
        }
        var sheets: [(String, String)] = []
        try XMLEvents.parse(try data(archive, "xl/workbook.xml"), part: "xl/workbook.xml") { event in
            if case .start("sheet", let attributes) = event, let name = attributes["name"], let id = attributes["r:id"]
            {
                sheets.append((name, id))
            }
        }
        var targets: [String: String] = [:]
        try XMLEvents.parse(try data(archive, "xl/_rels/workbook.xml.rels"), part: "xl/_rels/workbook.xml.rels") {
            if case .start("Relationship", let attributes) = $0, let id = attributes["Id"],
                let target = attributes["Target"]
            {
                targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        return try sheets.map { name, id in
            guard let part = targets[id] else {
                throw SpreadsheetError.malformed("xl/workbook.xml", reason: "sheet \(name) has no part")
            }
            return (name, part)
        }
    }

    /// The shared strings table: each `<si>`'s text runs joined (phonetic runs left out).
    static func sharedStrings(_ archive: Archive) throws -> [String] {
        guard archive["xl/sharedStrings.xml"] != nil else { return [] }
        var strings: [String] = []
        var current = ""
        var inText = false
        var inPhonetic = false
        try XMLEvents.parse(try data(archive, "xl/sharedStrings.xml"), part: "xl/sharedStrings.xml") { event in
            switch event {
            case .start("si", _): current = ""
            case .start("rPh", _): inPhonetic = true
            case .end("rPh"): inPhonetic = false
            case .start("t", _): inText = !inPhonetic
            case .text(let text) where inText: current += text
            case .end("t"): inText = false
            case .end("si"): strings.append(current)
            default: break
            }
        }
        return strings
    }

    /// The cell styles (index into `cellXfs`) whose number format shows a date.
    static func dateStyles(_ archive: Archive) throws -> Set<Int> {
        guard archive["xl/styles.xml"] != nil else { return [] }
        var custom: [Int: String] = [:]
        var formats: [Int] = []
        var inCellXfs = false
        try XMLEvents.parse(try data(archive, "xl/styles.xml"), part: "xl/styles.xml") { event in
            switch event {
            case .start("numFmt", let attributes):
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] {
                    custom[id] = code
                }
            case .start("cellXfs", _): inCellXfs = true
            case .end("cellXfs"): inCellXfs = false
            case .start("xf", let attributes) where inCellXfs:
                formats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            default: break
            }
        }
        return Set(formats.indices.filter { isDateFormat(formats[$0], code: custom[formats[$0]]) })
    }

    /// Built-in date formats (14–22, 27–36, 45–47, 50–58 in CJK locales), or a custom code
    /// with a year or a day outside quoted text and brackets.
    static func isDateFormat(_ id: Int, code: String?) -> Bool {
        if [14...22, 27...36, 45...47, 50...58].contains(where: { $0.contains(id) }) { return true }
        guard let code else { return false }
        var plain = ""
        var quoted = false
        var bracketed = false
        for character in code {
            switch character {
            case "\"": quoted.toggle()
            case "[": bracketed = true
            case "]": bracketed = false
            default: if !quoted && !bracketed { plain.append(character) }
            }
        }
        let lower = plain.lowercased()
        return lower != "general" && (lower.contains("y") || lower.contains("d"))
    }

    static func parseSheet(_ data: Data, name: String, strings: [String], dateStyles: Set<Int>) throws -> Sheet {
        var rows: [[Cell]] = []
        var merges: [CellRange] = []
        var reference: CellReference?
        var type = "n"
        var style = 0
        var value = ""
        var inValue = false
        var nextColumn = 0
        var rowIndex = -1
        var failure: SpreadsheetError?
        try XMLEvents.parse(data, part: "sheet \(name)") { event in
            switch event {
            case .start("row", let attributes):
                rowIndex = (attributes["r"].flatMap(Int.init) ?? rowIndex + 2) - 1
                nextColumn = 0
            case .start("c", let attributes):
                reference =
                    attributes["r"].flatMap(CellReference.init) ?? CellReference(row: rowIndex, column: nextColumn)
                type = attributes["t"] ?? "n"
                style = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
            case .start("v", _), .start("t", _): inValue = true
            case .text(let text) where inValue: value += text
            case .end("v"), .end("t"): inValue = false
            case .end("c"):
                guard let at = reference else { return }
                let cell: Cell
                switch type {
                case "s":
                    guard let index = Int(value), strings.indices.contains(index) else {
                        failure = .malformed("sheet \(name)", reason: "cell \(at) names shared string \(value)")
                        return
                    }
                    cell = .text(strings[index])
                case "str", "inlineStr", "e": cell = value.isEmpty ? .empty : .text(value)
                case "b": cell = .text(value == "1" ? "TRUE" : "FALSE")
                default:
                    if value.isEmpty {
                        cell = .empty
                    } else if let number = Double(value) {
                        cell = .number(number, format: dateStyles.contains(style) ? .date : .general)
                    } else {
                        cell = .text(value)
                    }
                }
                if at.row >= rows.count { rows += Array(repeating: [], count: at.row - rows.count + 1) }
                if at.column >= rows[at.row].count {
                    rows[at.row] += Array(repeating: .empty, count: at.column - rows[at.row].count + 1)
                }
                rows[at.row][at.column] = cell
                nextColumn = at.column + 1
                reference = nil
            case .start("mergeCell", let attributes):
                if let range = attributes["ref"].flatMap(CellRange.init(reference:)) { merges.append(range) }
            default: break
            }
        }
        if let failure { throw failure }
        return Sheet(name: name, rows: rows, merges: merges)
    }
}
