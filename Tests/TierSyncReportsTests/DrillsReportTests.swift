import Testing
import TierSyncReports

/// Drills: count and participants per org and month.
@Suite struct DrillsReportTests {
    let f: ReportFixture
    init() throws { f = try ReportFixture() }

    @Test("drills and participants are counted per child and month, within the months and up to the as-of date")
    func perMonth() throws {
        try f.drill("520201101", on: "2026-06-18", participants: 120)
        try f.drill("520201101", on: "2026-06-30", participants: 30)
        try f.drill("520201102", on: "2026-07-01", participants: 40)
        try f.drill("520201102", on: "2026-07-02", participants: 99, deleted: true)
        try f.drill("520203102", on: "2026-05-31", participants: 10)  // before the months
        try f.drill("520203102", on: "2026-07-20", participants: 10)  // after the as-of date
        let report = try f.report(.drills, asOf: date("2026-07-15"), months: month("2026-06")...month("2026-07"))
        let summary = try #require(report.table("summary"))
        #expect(summary.number("drills", org: "520201") == 3)
        #expect(summary.number("participants", org: "520201") == 190)
        #expect(summary.number("drills", org: "520203") == 0)
        #expect(summary.number("unitsWithDrill", org: nil) == 2)
        #expect(summary.number("units", org: nil) == 19)
        let byMonth = try #require(report.table("drills-by-month"))
        #expect(byMonth.columns.map(\.key).suffix(2) == ["2026-06", "2026-07"])
        #expect(byMonth.number("2026-06", org: "520201") == 2)
        #expect(byMonth.number("2026-07", org: nil) == 1)
        #expect(try #require(report.table("participants-by-month")).number("2026-06", org: nil) == 150)
        let units = try #require(report.table("units-by-month"))
        #expect(units.column("month") == [.text("2026-06"), .text("2026-07")])
        #expect(units.column("participants") == [.number(150), .number(40)])
        #expect(try #require(report.table("units-without-drill")).rows.count == 17)
    }

    @Test("by default the twelve months ending with the as-of month")
    func defaultMonths() throws {
        let table = try #require(try f.report(.drills, asOf: date("2026-02-10")).table("drills-by-month"))
        #expect(table.columns.map(\.key).dropFirst(2).first == "2025-03")
        #expect(table.columns.map(\.key).last == "2026-02")
    }
}
