import Foundation
import Testing
import TierSyncCore
import TierSyncSpreadsheet
import TierSyncStore

@testable import TierSyncDomain

/// Importing the spreadsheets LibreOffice made (Tests/Fixtures/spreadsheets) into a township.
@Suite final class ImportTests {
    let t: TestNode

    init() throws { t = try TestNode(org: "520201101") }

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/spreadsheets/\(name)").path
    }

    func run(_ name: String, _ kind: ImportKind = .contact, _ options: TierSyncNode.ImportOptions = .init()) throws
        -> ImportReport
    {
        let (sheet, encoding) = try SheetFile.read(path: Self.fixture(name))
        return try t.node.importSheet(sheet, kind: kind, encoding: encoding, options: options)
    }

    func phones() throws -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: try t.node.list(.contact).map { ($0["name"].description, $0["phone"].description) })
    }

    @Test("a GB18030 CSV from a spreadsheet: title row skipped, dates as 2026/3/10, a landline keeps its 0")
    func gb18030() throws {
        let report = try run("contacts-gb18030.csv")
        #expect(report.committed && report.encoding == "GB18030" && report.headerRow == 2 && report.created.count == 4)
        #expect(try phones()["示例·李四"] == "0858-8221234")
        let zhao = try #require(try t.node.list(.contact).first { $0["name"] == .text("示例·赵一") })
        #expect(zhao["last_confirmed"] == .text("2026-03-10") && zhao["role"] == .text("information-officer"))
    }

    @Test(
        "an XLSX with serial dates and phones stored as numbers; a second import skips what is there, --update updates")
    func xlsx() throws {
        let first = try run("contacts-good.xlsx")
        #expect(first.committed && first.created.map(\.row) == [3, 4, 5, 6])
        #expect(try phones()["示例·钱二"] == "13900002222")
        #expect(
            try t.node.list(.contact).first { $0["name"] == .text("示例·孙三") }?["last_confirmed"] == .text("2026-05-20"))
        let again = try run("contacts-good.xlsx")
        #expect(again.created.isEmpty && again.duplicates.count == 4 && again.duplicates[0].existing != nil)
        let zhao = try #require(try t.node.list(.contact).first { $0["name"] == .text("示例·赵一") })
        try t.node.set(.contact, id: zhao.id.rawValue, values: ["post": "已调离"])
        let updated = try run("contacts-good.xlsx", .contact, .init(update: true))
        #expect(updated.updated.map(\.row) == [3] && updated.duplicates.count == 3)
        #expect(try t.node.show(.contact, id: zhao.id.rawValue)["post"] == .text("镇应急办"))
    }

    @Test("bad rows: each refusal names its row, column and value; nothing is written unless --skip-bad")
    func badRows() throws {
        let before = try t.snapshot()
        let report = try run("contacts-bad.xlsx")
        #expect(try !report.committed && t.snapshot() == before, "all or nothing")
        #expect(report.refused.map(\.row) == [4, 5, 6, 8])
        #expect(report.refused[0].column == "C (手机号)" && report.refused[0].value == "1390000")
        #expect(report.refused[1].chinese.contains("厨师") && report.refused[2].value == "明年")
        #expect(report.duplicates.map(\.row) == [7] && report.duplicates[0].reason.contains("row 3"))
        let skipping = try run("contacts-bad.xlsx", .contact, .init(skipBad: true))
        #expect(try skipping.committed && skipping.created.map(\.row) == [3] && t.node.list(.contact).count == 1)
    }

    @Test("a dry run lists what it would do and writes nothing")
    func dryRun() throws {
        let before = try t.snapshot()
        let report = try run("contacts-good.xlsx", .contact, .init(dryRun: true))
        #expect(try report.dryRun && !report.committed && report.created.count == 4 && t.snapshot() == before)
    }

    @Test("a merged header and phones in scientific notation are refused with what to do")
    func refusals() throws {
        let merged = #expect(throws: DomainError.self) { try self.run("contacts-merged-header.xlsx") }
        #expect(merged?.description.contains("merged header cells C2:D2") == true)
        #expect(merged?.chinese?.contains("取消合并") == true)
        let scientific = try run("contacts-scientific-gb18030.csv")
        #expect(scientific.refused.count == 2 && scientific.refused[0].reason.contains("format the column as text"))
        #expect(scientific.refused[0].chinese.contains("文本"))
    }

    @Test("what the export writes and the template's headers import back")
    func roundTrip() throws {
        _ = try run("contacts-good.xlsx")
        let path = t.directory.appendingPathComponent("export.xlsx").path
        try XLSXWriter.write(try t.node.exportSheets([.contact]), to: path)
        let other = try TestNode(org: "520201101")
        let report = try other.node.importSheet(try SheetFile.read(path: path).sheet, kind: .contact, options: .init())
        #expect(report.committed && report.created.count == 4 && report.ignoredColumns == ["单位名称"])
        let template = try t.node.templateSheets(.contact)[0]
        var filled = template
        filled.rows.append(
            [.text("520201101"), .text("信息员"), .empty, .text("示例·新人"), .empty, .number(13_900_009_999)])
        let fromTemplate = try other.node.importSheet(filled, kind: .contact, options: .init())
        #expect(fromTemplate.created.count == 1, "\(fromTemplate.refused)")
    }

    @Test("a stock sheet receives each row, making the items the unit does not have yet")
    func stock() throws {
        let sheet = Sheet(
            name: "台账",
            rows: [
                [.text("物资名称"), .text("物资类别"), .text("计量单位"), .text("库点"), .text("数量"), .text("入库日期")],
                [.text("帐篷"), .text("生活保障类"), .text("顶"), .text("镇物资库"), .number(20), .number(46_091, format: .date)],
                [.text("帐篷"), .text("生活保障类"), .text("顶"), .text("镇物资库"), .number(5), .text("2026-03-11")],
            ])
        let report = try t.node.importSheet(sheet, kind: .stock, options: .init())
        #expect(report.committed && report.created.count == 2)
        let balance = try #require(try t.node.stockBalances().first)
        #expect(try balance.quantity == 25 && t.node.list(.materialItem).count == 1)
    }
}
