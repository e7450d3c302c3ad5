import Foundation
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// One report in full (`GET /orgs/{code}/{kind}`): every table, each with a link that
/// downloads it as CSV from `GET /v1/reports/{kind}` (the sign-in cookie authenticates it).
///
/// ```swift
/// let page = ReportPage(report, org: overview.org, breadcrumbs: overview.breadcrumbs)
/// page.tables[0].csvHref   // "/v1/reports/coverage?org=520200&format=csv&table=summary"
/// ```
public struct ReportPage: Sendable {
    public let kind: String
    public let title: String
    public let org: OverviewPage.OrgLink
    public let asOf: String
    public let notes: [String]
    public let breadcrumbs: [OverviewPage.OrgLink]
    public let tables: [TableView]
    public let others: [OverviewPage.ReportLink]
    /// The whole report as an Excel workbook, a sheet per table.
    public let xlsxHref: String

    /// - Parameter staleAfterDays: the threshold the page was made with, carried into its CSV
    ///   links so that the download is the table on screen.
    public init(
        _ report: Report, org: OverviewPage.OrgLink, breadcrumbs: [OverviewPage.OrgLink],
        staleAfterDays: Int = ReportOptions.defaultStaleAfterDays
    ) {
        kind = report.kind.rawValue
        title = report.kind.title
        self.org = org
        asOf = report.asOf.description
        notes = report.notes
        self.breadcrumbs = breadcrumbs
        let base = "/v1/reports/\(report.kind.rawValue)?org=\(report.org.code)&format=csv"
        let stale = staleAfterDays == ReportOptions.defaultStaleAfterDays ? "" : "&stale-days=\(staleAfterDays)"
        // A row about a unit below this org links to the same report of that unit.
        tables = report.tables.map { table in
            TableView(
                table, link: { $0 == report.org.code ? nil : "/orgs/\($0)/\(report.kind.rawValue)" },
                csvHref: base + "&table=\(table.key)&as-of=\(report.asOf)" + stale)
        }
        others = ReportKind.allCases.map { OverviewPage.ReportLink(kind: $0, org: report.org.code) }
        xlsxHref =
            "/v1/reports/\(report.kind.rawValue)?org=\(report.org.code)&format=xlsx&as-of=\(report.asOf)" + stale
    }

    /// Computes report `kind` of `org` (which must lie in `scope`) on `hub` and arranges it.
    public static func load(hub: any SyncHub, kind: ReportKind, org: OrgUnit, scope: OrgUnit, options: ReportOptions)
        throws -> ReportPage
    {
        try hub.readingReports { db in
            ReportPage(
                try Report.make(kind, org: org.code, options: options, db: db), org: OverviewPage.OrgLink(org),
                breadcrumbs: try DashboardData.trail(to: org, from: scope, db: db).map(OverviewPage.OrgLink.init),
                staleAfterDays: options.staleAfterDays)
        }
    }
}
