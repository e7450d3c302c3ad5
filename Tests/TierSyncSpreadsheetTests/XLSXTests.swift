import Foundation
import Testing

@testable import TierSyncSpreadsheet

/// The fixtures LibreOffice made (Tests/Fixtures/spreadsheets), read back as a clerk's file.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/spreadsheets")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

@Suite struct XLSXReadingTests {
    @Test("a LibreOffice workbook: merged title, shared strings, numeric phones, dates by their style")
    func good() throws {
        let sheet = try XLSXReader.read(path: Fixture.path("contacts-good.xlsx"))
        #expect(sheet.name == "联系人")
        #expect(sheet.merges.map(\.reference) == ["A1:G1"])
        #expect(sheet.cell(row: 0, column: 0) == .text("大河镇应急联系人名单（2026年）"))
        #expect(sheet.cell(row: 1, column: 2) == .text("手机号"))
        #expect(sheet.cell(row: 2, column: 2) == .number(13_900_001_111))
        #expect(sheet.cell(row: 2, column: 6) == .number(46_091, format: .date), "2026-03-10 as a serial date")
        #expect(sheet.cell(row: 5, column: 2) == .text("08588221234"), "a landline typed as text keeps its 0")
        #expect(try XLSXReader.sheetNames(path: Fixture.path("contacts-good.xlsx")) == ["联系人"])
    }

    @Test("a header merged over two columns is read as a merge in the header row")
    func mergedHeader() throws {
        let sheet = try XLSXReader.read(path: Fixture.path("contacts-merged-header.xlsx"))
        #expect(sheet.merges.map(\.reference).contains("C2:D2"))
    }

    @Test("a missing sheet names the ones there are; a file that is not a workbook says so")
    func refusals() throws {
        let missing = #expect(throws: SpreadsheetError.self) {
            try XLSXReader.read(path: Fixture.path("contacts-good.xlsx"), sheet: "台账")
        }
        #expect(missing?.description == "no sheet named '台账'; the file has: 联系人")
        let notZip = #expect(throws: SpreadsheetError.self) {
            try XLSXReader.read(path: Fixture.path("contacts-gb18030.csv"))
        }
        #expect(notZip?.description.contains("is not an XLSX workbook") == true)
    }

    @Test("cell references and ranges: letters both ways, absolute references, bounds")
    func references() {
        #expect(CellReference("C2") == CellReference(row: 1, column: 2))
        #expect(CellReference("$AA$10") == CellReference(row: 9, column: 26))
        #expect(CellReference.letters(701) == "ZZ" && CellReference.letters(702) == "AAA")
        #expect(CellReference("A0") == nil && CellReference("2A") == nil && CellReference("") == nil)
        #expect(CellRange(reference: "A1:G1")?.reference == "A1:G1")
    }
}

@Suite struct TextDecodingTests {
    @Test("a GB18030 CSV saved by LibreOffice decodes to the same text as its UTF-8 source")
    func gb18030() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("contacts-gb18030.csv")))
        #expect(String(data: data, encoding: .utf8) == nil, "the fixture really is not UTF-8")
        let (text, encoding) = try TextDecoding.decode(data, path: "x.csv")
        #expect(encoding == "GB18030" && text.contains("姓名,角色,手机号") && text.contains("示例·李四,联络员,08588221234"))
    }

    @Test("UTF-8 with or without a byte-order mark; bytes in neither encoding are refused")
    func utf8() throws {
        #expect(try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF] + Array("姓名".utf8)), path: "x").text == "姓名")
        #expect(try TextDecoding.decode(Data("姓名".utf8), path: "x").encoding == "UTF-8")
        #expect(throws: SpreadsheetError.self) { try TextDecoding.decode(Data([0xFF, 0xFF, 0x81, 0x20]), path: "x") }
    }
}

@Suite struct XLSXWritingTests {
    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-xlsx-\(UUID().uuidString)-\(name)").path
    }

    let sheets = [
        Sheet(
            name: "联系人",
            rows: [
                [.text("姓名"), .text("电话"), .text("核实日期"), .text("人数")],
                [.text("示例·王一 & <李>"), .text("08588221234"), .number(46_091, format: .date), .number(12)],
            ]),
        Sheet(name: "可选值/角色", rows: [[.text("角色")], [.text("信息员")]]),
    ]

    @Test("what we write reads back the same: text, a landline's 0, dates, numbers, escaped characters")
    func roundTrip() throws {
        let path = temporary("round.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try XLSXWriter.write(sheets, to: path)
        #expect(try XLSXReader.sheetNames(path: path) == ["联系人", "可选值角色"])
        #expect(try XLSXReader.read(path: path).rows == sheets[0].rows)
    }

    @Test("LibreOffice opens what we write and sees the same cells (skipped where LibreOffice is not installed)")
    func libreOffice() throws {
        let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        try #require(soffice != nil || ProcessInfo.processInfo.environment["CI"] == nil, "CI installs LibreOffice")
        guard let soffice else { return }
        let path = temporary("lo.xlsx")
        let out = temporary("out")
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: out)
        }
        try XLSXWriter.write(sheets, to: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: soffice)
        process.arguments = [
            "--headless", "-env:UserInstallation=file://\(out)/profile", "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", out, path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let csv = try String(
            contentsOfFile: out + "/" + URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".csv",
            encoding: .utf8)
        #expect(
            csv.contains("\"示例·王一 & <李>\",08588221234,2026-03-10,12")
                || csv.contains("示例·王一 & <李>,08588221234,2026-03-10,12"), "\(csv)")
    }
}
