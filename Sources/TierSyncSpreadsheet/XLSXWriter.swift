import Foundation
import ZIPFoundation

/// Writes sheets as an XLSX workbook that Excel, WPS and LibreOffice open: text as inline
/// strings (so a phone keeps its leading 0), numbers as numbers, the first row bold as
/// headers, columns sized to their text. ZIPFoundation writes the package.
///
/// ```swift
/// try XLSXWriter.write([Sheet(name: "联系人", rows: [[.text("姓名")], [.text("示例·王一")]])], to: "out.xlsx")
/// ```
public enum XLSXWriter {
    public static func write(_ sheets: [Sheet], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: url)
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .create)
        } catch {
            throw SpreadsheetError.cannotWrite(path, reason: "\(error)")
        }
        var names = Set<String>()
        let titled = sheets.map { sheet -> Sheet in
            var sheet = sheet
            sheet.name = uniqueName(sheet.name, taken: &names)
            return sheet
        }
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(count: titled.count)), ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbook(titled)), ("xl/_rels/workbook.xml.rels", workbookRelationships(titled.count)),
            ("xl/styles.xml", styles),
        ]
        for (index, sheet) in titled.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", worksheet(sheet)))
        }
        do {
            for (name, text) in parts {
                let data = Data(text.utf8)
                try archive.addEntry(
                    with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        } catch {
            throw SpreadsheetError.cannotWrite(path, reason: "\(error)")
        }
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
    static func uniqueName(_ name: String, taken: inout Set<String>) -> String {
        var base = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        if base.isEmpty { base = "Sheet" }
        var candidate = base
        var number = 2
        while taken.contains(candidate) {
            candidate = String(base.prefix(28)) + "(\(number))"
            number += 1
        }
        taken.insert(candidate)
        return candidate
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // Control characters are not allowed in XML 1.0: left out.
                if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func worksheet(_ sheet: Sheet) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        xml += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        let columns = sheet.rows.map(\.count).max() ?? 0
        if columns > 0 {
            xml += "<cols>"
            for column in 0..<columns {
                let widest =
                    sheet.rows.map { row -> Int in
                        guard column < row.count, case .text(let text) = row[column] else { return 8 }
                        return text.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 2 : 1) }
                    }.max() ?? 8
                xml +=
                    #"<col min="\#(column + 1)" max="\#(column + 1)" width="\#(min(60, max(8, widest + 2)))" customWidth="1"/>"#
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        for (rowIndex, row) in sheet.rows.enumerated() {
            xml += #"<row r="\#(rowIndex + 1)">"#
            for (column, cell) in row.enumerated() {
                let reference = CellReference(row: rowIndex, column: column).description
                let style = rowIndex == 0 ? #" s="1""# : ""
                switch cell {
                case .empty: continue
                case .text(let text):
                    xml +=
                        #"<c r="\#(reference)" t="inlineStr"\#(style)><is><t xml:space="preserve">\#(escaped(text))</t></is></c>"#
                case .number(let number, let format):
                    let dateStyle = format == .date ? #" s="2""# : style
                    let text = number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                    xml += #"<c r="\#(reference)"\#(dateStyle)><v>\#(text)</v></c>"#
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>"
        if !sheet.merges.isEmpty {
            xml += #"<mergeCells count="\#(sheet.merges.count)">"#
            for merge in sheet.merges { xml += #"<mergeCell ref="\#(merge.reference)"/>"# }
            xml += "</mergeCells>"
        }
        return xml + "</worksheet>"
    }

    static func contentTypes(count: Int) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + (1...max(1, count)).map {
                #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            }.joined() + "</Types>"
    }

    static let rootRelationships =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    static func workbook(_ sheets: [Sheet]) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
            + sheets.enumerated().map {
                #"<sheet name="\#(escaped($1.name))" sheetId="\#($0 + 1)" r:id="rId\#($0 + 1)"/>"#
            }.joined() + "</sheets></workbook>"
    }

    static func workbookRelationships(_ count: Int) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + (0..<count).map {
                #"<Relationship Id="rId\#($0 + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#($0 + 1).xml"/>"#
            }.joined()
            + #"<Relationship Id="rId\#(count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
    }

    /// Style 0: plain; 1: bold (headers); 2: a date (yyyy-mm-dd).
    static let styles =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="宋体"/></font><font><b/><sz val="11"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#
}
