import Testing
import TierSyncCore
import TierSyncReports
import TierSyncStore

/// `tiersync periods`: each unit's state per period, judged by when a record was made at its
/// unit, with extensions, approvals, arrivals and the gap flag.
@Suite struct PeriodLedgerTests {
    let f: ReportFixture
    init() throws { f = try ReportFixture(org: "520201") }

    func rows(asOf: String = "2026-11-29") throws -> [PeriodLedger.Row] {
        try f.both { db in
            try PeriodLedger.make(
                org: "520201101", options: ReportOptions(asOf: date(asOf), months: month("2026-11")...month("2026-11")),
                db: db)
        }
    }

    func row(_ rows: [PeriodLedger.Row], _ subject: PeriodLedger.Subject, _ period: String) throws -> PeriodLedger.Row {
        try #require(rows.first { $0.org == "520201101" && $0.subject == subject && $0.period == period })
    }

    @Test("half-months, the month's drill and the year's summary: on time by the made stamp, late, missing, due")
    func states() throws {
        try f.progress("520201101", "2026-11-H1", submittedAt: "2026-11-15T15:59:59Z")  // 23:59:59 China time
        try f.record(
            "drill", org: "520201101", created: HLCTimestamp(physical: 1_795_000_000_000, counter: 0).rawValue,
            ["title": "演练", "kind": "tabletop", "held_on": "2026-11-03", "participants": 10])
        let rows = try rows()
        #expect(try row(rows, .report, "2026-11-H1").state == .onTime)
        #expect(try row(rows, .report, "2026-11-H2").state == .due, "due on the 30th, as of the 29th")
        #expect(try row(rows, .drill, "2026-11").state == .onTime)
        #expect(try row(rows, .summary, "2026").state == .due)
        let later = try self.rows(asOf: "2026-12-01")
        #expect(try row(later, .report, "2026-11-H2").state == .missing)
        #expect(try row(later, .report, "2026-11-H1").madeAt == "2026-11-15T15:59:59.000Z")
    }

    @Test("a report made late is late whatever arrived when; an approval shows, with whether it was on time")
    func lateAndApproved() throws {
        try f.progress("520201101", "2026-11-H1", submittedAt: "2026-11-15T16:00:00Z")
        #expect(try row(rows(), .report, "2026-11-H1").state == .late)
        try f.sql("UPDATE progress_report SET approved_by = '520201'")
        let approved = try row(rows(), .report, "2026-11-H1")
        #expect(approved.state == .approved && approved.onTime == false && approved.approvedBy == "520201")
    }

    @Test("an extension shared down by the county moves the due date for its townships; a sibling county's does not")
    func extensions() throws {
        try f.progress("520201101", "2026-11-H1", submittedAt: "2026-11-17T02:00:00Z")
        try f.record(
            "deadline_extension", org: "520201", ["period": "2026-11-H1", "due": "2026-11-20", "share": "subtree"])
        try f.record(
            "deadline_extension", org: "520203", ["period": "2026-11-H1", "due": "2026-11-30", "share": "subtree"])
        let extended = try row(rows(), .report, "2026-11-H1")
        #expect(extended.state == .onTime && extended.due == "2026-11-20" && extended.extended)
    }

    @Test("arrivals at each level are listed; one more than three days after making is flagged")
    func arrivals() throws {
        try f.progress("520201101", "2026-11-H1", submittedAt: "2026-11-10T02:00:00Z")
        let id = try #require(try row(rows(), .report, "2026-11-H1").record)
        try f.record(
            "receipt", org: "520201101",
            [
                "tbl": "progress_report", "record": id, "level": "520201", "event": "arrived",
                "at": "2026-11-14T03:00:00Z",
            ])
        try f.record(
            "receipt", org: "520201101",
            [
                "tbl": "progress_report", "record": id, "level": "520200", "event": "arrived",
                "at": "2026-11-14T04:00:00Z",
            ])
        let reached = try row(rows(), .report, "2026-11-H1")
        #expect(reached.arrivals.map(\.level) == ["520201", "520200"] && reached.arrivals[0].name == "钟山区")
        #expect(
            reached.gap && reached.state == .onTime, "made on time offline, arrived four days later: flagged, not late")
    }
}
