import Testing
import TierSyncReports

/// Tasks tracked to close-out: open past the deadline, closed late, cancelled.
@Suite struct TasksReportTests {
    let f: ReportFixture
    init() throws { f = try ReportFixture() }

    @Test("open tasks past their deadline are overdue; a task due on the as-of date is not; closed late counts apart")
    func overdue() throws {
        try f.task("520201101", deadline: "2026-11-28")  // overdue by a day
        try f.task("520201101", deadline: "2026-11-29")  // due today: not yet overdue
        try f.task("520201102", deadline: "2026-10-31", status: "closed", closedOn: "2026-11-02")  // closed late
        try f.task("520201102", deadline: "2026-12-31", status: "closed", closedOn: "2026-11-20")
        try f.task("520203102", deadline: "2026-01-31", status: "cancelled")  // never late
        try f.task("520203102", deadline: "2026-01-31", deleted: true)
        let report = try f.report(.tasks)
        let summary = try #require(report.table("summary"))
        #expect(summary.number("tasks", org: "520201") == 4)
        #expect(summary.number("open", org: "520201") == 2 && summary.number("overdue", org: "520201") == 1)
        #expect(summary.number("closed", org: "520201") == 2 && summary.number("closedLate", org: "520201") == 1)
        #expect(summary.number("closedRate", org: "520201") == 50)
        #expect(summary.number("cancelled", org: "520203") == 1 && summary.number("overdue", org: "520203") == 0)
        #expect(summary.number("tasks", org: nil) == 5 && summary.number("overdue", org: nil) == 1)
        let detail = try #require(report.table("overdue-tasks"))
        #expect(detail.orgs == ["520201101"])
        #expect(detail.number("daysLate", org: "520201101") == 1)
    }

    @Test("a county's report counts its own townships only")
    func scope() throws {
        try f.task("520201101", deadline: "2026-01-01")
        try f.task("520203102", deadline: "2026-01-01")
        let summary = try #require(try f.report(.tasks, org: "520201").table("summary"))
        #expect(summary.number("overdue", org: nil) == 1 && summary.number("overdue", org: "520201101") == 1)
    }
}

/// What waits for sign-off in the consolidated view.
@Suite struct TasksCloseoutCountTests {
    @Test("a task whose unit asked for close-out counts as waiting for the level above, not as open or overdue")
    func requested() throws {
        let f = try ReportFixture(org: "520201")
        try f.task("520201101", deadline: "2026-11-01", status: "close-requested")
        try f.task("520201101", deadline: "2026-11-01")
        let summary = try #require(try f.report(.tasks, org: "520201").table("summary"))
        #expect(summary.number("requested", org: "520201101") == 1)
        #expect(summary.number("overdue", org: "520201101") == 1 && summary.number("open", org: "520201101") == 1)
    }
}
