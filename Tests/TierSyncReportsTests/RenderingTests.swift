import Foundation
import Testing
import TierSyncReports

/// The three outputs: aligned terminal tables, CSV a spreadsheet opens, stable JSON.
@Suite struct RenderingTests {
    let f: ReportFixture
    let report: Report
    init() throws {
        f = try ReportFixture()
        try f.plan("520201101", filedWith: "520201", filedOn: "2026-03-10")
        report = try f.report(.coverage, org: "520201")
    }

    @Test("terminal columns line up when cells mix Chinese (two columns wide) and digits")
    func alignedColumns() throws {
        let text = ReportText.render(try #require(report.table("summary")))
        let lines = text.split(separator: "\n").dropFirst().map(String.init)
        let widths = Set(lines.map(ReportText.width(of:)))
        #expect(widths.count == 1, "\(text)")
        #expect(lines[2].hasPrefix("520201011  黄土坡街道"))
        #expect(ReportText.width(of: "大河镇12") == 8)
    }

    @Test("CSV: a byte-order mark, Chinese headers, CRLF lines; a report is its tables as titled sections")
    func csv() throws {
        let table = ReportCSV.table(try #require(report.table("summary")))
        #expect(table.hasPrefix("\u{FEFF}代码,单位,应有预案单位,已有预案单位,覆盖率(%)"))
        #expect(table.contains("\r\n520201101,大河镇,1,1,100,0,1,0,0,1,0,0,0\r\n"))
        let whole = ReportCSV.report(report)
        #expect(whole.hasPrefix("\u{FEFF}应急预案覆盖情况：钟山区（520201），截至 2026-11-29\r\n\r\n预案覆盖汇总\r\n代码,单位"))
        #expect(whole.components(separatedBy: "\u{FEFF}").count == 2, "one byte-order mark")
        let categories = ReportCSV.table(try #require(report.table("special-categories")))
        #expect(categories.contains("\"气象灾害、") == false, "the list has no comma, so it is not quoted")
    }

    @Test("JSON: sorted keys, rows keyed by column, numbers as numbers, empty cells as null")
    func json() throws {
        let text = String(decoding: try ReportJSON.encode(report), as: UTF8.self)
        #expect(text.hasPrefix("{\"asOf\":\"2026-11-29\",\"kind\":\"coverage\",\"notes\":["))
        #expect(
            text.contains(
                "{\"org\":\"520201101\",\"total\":false,\"values\":{\"accepted\":0,\"approved\":0,\"coverage\":100,\"covered\":1,"
            ))
        #expect(try ReportJSON.encode(f.report(.coverage, org: "520201")) == ReportJSON.encode(report), "made again")
        let parsed = try JSONSerialization.jsonObject(with: ReportJSON.encode(report)) as? [String: Any]
        #expect((parsed?["org"] as? [String: Any])?["name"] as? String == "钟山区")
        #expect(parsed?["title"] as? String == "应急预案覆盖情况")
    }

    @Test("every kind renders in every format", arguments: ReportKind.allCases)
    func everyKind(kind: ReportKind) throws {
        let f = try ReportFixture()
        let report = try f.report(kind)
        #expect(ReportText.render(report).hasPrefix(kind.title))
        #expect(ReportCSV.report(report).hasPrefix("\u{FEFF}" + kind.title))
        #expect(
            String(decoding: try ReportJSON.encode(report), as: UTF8.self).contains("\"kind\":\"\(kind.rawValue)\""))
        #expect(report.tables.first?.key == "summary")
        #expect(report.tables.first?.total != nil)
    }
}
