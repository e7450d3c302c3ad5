import Testing
import TierSyncCore
import TierSyncReports

/// Twice-monthly progress reports: on time, late, missing or not yet due, at the period
/// boundaries and month ends.
@Suite struct TimelinessReportTests {
    let f: ReportFixture
    init() throws { f = try ReportFixture(org: "520201") }

    /// The status text of `org` for `period` in a report of the given month.
    func status(
        _ org: String, _ period: String, asOf: String, submissions: [(String, String)] = []
    ) throws -> String {
        for (period, stamp) in submissions { try f.progress(org, period, submittedAt: stamp) }
        let month = YearMonth(parsing: period.prefix(7))!
        let report = try f.report(.timeliness, org: "520201", asOf: date(asOf), months: month...month)
        let units = try #require(report.table("units"))
        return units.value(try #require(units.row(org: org)), period)?.text ?? "?"
    }

    @Test(
        "the last moment of the due date, China time, is on time; the next is late",
        arguments: [
            ("2026-02-H2", "2026-02-28T15:59:59Z", "按时"), ("2026-02-H2", "2026-02-28T16:00:00Z", "迟报"),
            ("2028-02-H2", "2028-02-29T15:59:59Z", "按时"), ("2028-02-H2", "2028-02-29T16:00:00Z", "迟报"),
            ("2026-04-H2", "2026-04-30T10:00:00Z", "按时"), ("2026-04-H2", "2026-05-01T01:00:00Z", "迟报"),
            ("2026-03-H2", "2026-03-31T10:00:00Z", "按时"), ("2026-03-H2", "2026-03-30T17:00:00Z", "按时"),
            ("2026-11-H1", "2026-11-15T15:59:59Z", "按时"), ("2026-11-H1", "2026-11-15T16:00:00Z", "迟报"),
            ("2026-11-H1", "2026-11-01T00:00:00Z", "按时"),
        ])
    func dueDates(period: String, submitted: String, expected: String) throws {
        #expect(try status("520201101", period, asOf: "2028-12-31", submissions: [(period, submitted)]) == expected)
    }

    @Test(
        "without a report, a period is not yet due through its due date and missing from the day after",
        arguments: [
            ("2026-02-H2", "2026-02-28", "未到期"), ("2026-02-H2", "2026-03-01", "未报"),
            ("2028-02-H2", "2028-02-28", "未到期"), ("2028-02-H2", "2028-02-29", "未到期"),
            ("2028-02-H2", "2028-03-01", "未报"), ("2026-04-H2", "2026-04-30", "未到期"),
            ("2026-04-H2", "2026-05-01", "未报"), ("2026-01-H2", "2026-01-31", "未到期"),
            ("2026-01-H2", "2026-02-01", "未报"), ("2026-11-H1", "2026-11-15", "未到期"),
            ("2026-11-H1", "2026-11-16", "未报"),
        ])
    func missing(period: String, asOf: String, expected: String) throws {
        #expect(try status("520201101", period, asOf: asOf) == expected)
    }

    @Test("an as-of date long before any period (the year 255) counts nothing, on either store")
    func beforeAnyPeriod() throws {
        try f.progress("520201101", "2026-11-H1", submittedAt: "2026-11-10T08:00:00Z")
        let report = try f.report(.timeliness, org: "520201", asOf: date("0255-06-27"))
        #expect(report.table("summary")?.number("due", org: nil) == 0)
        _ = try f.both { db in
            try PeriodLedger.make(org: "520201101", options: ReportOptions(asOf: date("0255-06-27")), db: db)
        }
    }

    @Test("the earliest live submission decides; one made after the as-of date is not known yet")
    func earliestLive() throws {
        try f.progress("520201102", "2026-11-H1", submittedAt: "2026-11-10T02:00:00Z", deleted: true)
        #expect(
            try status(
                "520201102", "2026-11-H1", asOf: "2026-11-29",
                submissions: [("2026-11-H1", "2026-11-20T02:00:00Z"), ("2026-11-H1", "2026-11-14T02:00:00Z")]) == "按时")
        #expect(
            try status(
                "520201101", "2026-11-H1", asOf: "2026-11-17", submissions: [("2026-11-H1", "2026-11-18T02:00:00Z")])
                == "未报")
    }

    @Test("the summary counts each unit's periods per child; the rate is on time over periods due")
    func summary() throws {
        try f.progress("520201101", "2026-11-H1", submittedAt: "2026-11-14T09:30:00Z")
        try f.progress("520201102", "2026-11-H1", submittedAt: "2026-11-16T09:30:00Z")
        let report = try f.report(.timeliness, org: "520201", months: month("2026-11")...month("2026-11"))
        let summary = try #require(report.table("summary"))
        #expect(summary.number("onTime", org: "520201101") == 1)
        #expect(summary.number("notYetDue", org: "520201101") == 1)
        #expect(summary.number("late", org: nil) == 1)
        #expect(summary.number("missing", org: nil) == 2)
        #expect(summary.number("due", org: nil) == 4)
        #expect(summary.number("onTimeRate", org: nil) == 25)
        let periods = try #require(report.table("by-period"))
        #expect(periods.column("dueDate") == [.text("2026-11-15"), .text("2026-11-30")])
        #expect(periods.column("notYetDue") == [.number(0), .number(4)])
    }

    @Test("by default the six periods of the three months ending with the as-of month")
    func defaultPeriods() throws {
        let periods = try #require(try f.report(.timeliness, org: "520201").table("by-period"))
        #expect(periods.column("period").first == .text("2026-09-H1") && periods.rows.count == 6)
    }
}

/// Approvals in the consolidated view of progress reports.
@Suite struct TimelinessApprovalTests {
    @Test("periods whose report an upper level approved are counted per child")
    func approved() throws {
        let f = try ReportFixture(org: "520201")
        try f.progress("520201101", "2026-11-H1", submittedAt: "2026-11-10T02:00:00Z")
        try f.progress("520201102", "2026-11-H1", submittedAt: "2026-11-10T02:00:00Z")
        try f.sql("UPDATE progress_report SET approved_by = '520201' WHERE org = '520201101'")
        let report = try f.report(.timeliness, org: "520201", months: month("2026-11")...month("2026-11"))
        let summary = try #require(report.table("summary"))
        #expect(summary.number("approved", org: "520201101") == 1 && summary.number("approved", org: "520201102") == 0)
        #expect(summary.number("approved", org: nil) == 1)
    }
}
