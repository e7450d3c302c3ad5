import Testing

@testable import TierSyncDomain

@Suite struct ReportingPeriodTests {
    @Test(
        "a half-month period is due by the 15th or by the month's last day, leap years included",
        arguments: [
            ("2026-02-H1", "2026-02-15"), ("2026-02-H2", "2026-02-28"), ("2028-02-H2", "2028-02-29"),
            ("2026-04-H2", "2026-04-30"), ("2026-12-h2", "2026-12-31"),
        ])
    func dueDates(period: String, due: String) throws {
        #expect(try #require(ReportingPeriod(parsing: period)).dueDate.description == due)
    }

    @Test("periods order by year, month and half; malformed ones are refused")
    func orderAndParsing() throws {
        let periods = try ["2026-11-H2", "2025-12-H1", "2026-11-H1"].map { try #require(ReportingPeriod(parsing: $0)) }
        #expect(periods.sorted().map(\.description) == ["2025-12-H1", "2026-11-H1", "2026-11-H2"])
        for bad in ["2026-11", "2026-13-H1", "2026-11-H3", "26-11-H1", "2026-11-1"] {
            #expect(ReportingPeriod(parsing: bad) == nil, "\(bad)")
        }
    }
}
