import Foundation
import Logging
import TierSyncCore
import TierSyncDashboard
import TierSyncDomain
@_spi(Testing) import TierSyncPostgres
import TierSyncReports

/// The same rollups and overview page on a hub on PostgreSQL (`--postgres URL`) holding a
/// copy of the province's records, in a database of its own, beside SQLite in the same run.
extension ReportsBenchmark {
    struct PostgresMeasurement {
        let copySeconds: Double
        /// Each report's median time on PostgreSQL, in the order of the SQLite results.
        let reports: [(kind: ReportKind, org: String, seconds: Double)]
        /// The overview page: reports made, and kept (`RollupCache`, the log unchanged).
        let pages: [(org: String, seconds: Double, keptSeconds: Double)]
    }

    func measurePostgres(copying node: TierSyncNode, server: PostgresAddress, options: ReportOptions) throws
        -> PostgresMeasurement
    {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let database = try PostgresScratchDatabase(server: server)
        let hub = try PostgresHub.create(address: database.address, org: "520000", logger: silent)
        defer { hub.store.close() }
        let copySeconds = try time { try hub.replaceRecords(with: node) }
        try hub.store.withSession { session in _ = try session.query("ANALYZE") }
        var reports: [(ReportKind, String, Double)] = []
        for org in Self.orgs {
            for kind in ReportKind.allCases {
                let times = try (0..<runs).map { _ in
                    try time {
                        _ = try hub.readingReports { try Report.make(kind, org: org, options: options, db: $0) }
                    }
                }
                reports.append((kind, org, median(times)))
            }
        }
        var pages: [(String, Double, Double)] = []
        for org in Self.orgs {
            let unit = try hub.visibleOrg(org, to: hub.hubOrg)
            func page(_ cache: RollupCache?) throws -> Double {
                try time {
                    let data = try DashboardData.load(
                        hub: hub, org: unit, scope: hub.hubOrg, options: options, cache: cache)
                    _ = DashboardRenderer.render(OverviewPage(data), operator: nil)
                }
            }
            var (made, kept): ([Double], [Double]) = ([], [])
            for _ in 0..<runs {
                made.append(try page(nil))
                let cache = RollupCache(capacity: 8)
                _ = try page(cache)
                kept.append(try page(cache))
            }
            pages.append((org, median(made), median(kept)))
        }
        return PostgresMeasurement(copySeconds: copySeconds, reports: reports, pages: pages)
    }

    func printPostgres(_ postgres: PostgresMeasurement, sqlite: [Measurement], pages: [PageMeasurement]) {
        Swift.print(
            "\nThe same on PostgreSQL (a copy of the records made in \(String(format: "%.1f", postgres.copySeconds)) s), median of \(runs) runs\n"
        )
        Swift.print("| report | org | SQLite ms | PostgreSQL ms | PostgreSQL ÷ SQLite |")
        Swift.print("|---|---|---:|---:|---:|")
        func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
        for (lite, pg) in zip(sqlite, postgres.reports) {
            Swift.print(
                "| \(pg.kind.rawValue) | \(pg.org) | \(ms(lite.seconds)) | \(ms(pg.seconds)) | "
                    + "\(String(format: "%.1f", pg.seconds / max(lite.seconds, 1e-6)))× |")
        }
        Swift.print("\n| overview of | SQLite made ms | PostgreSQL made ms | SQLite kept ms | PostgreSQL kept ms |")
        Swift.print("|---|---:|---:|---:|---:|")
        for (lite, pg) in zip(pages, postgres.pages) {
            Swift.print(
                "| \(pg.org) | \(ms(lite.seconds)) | \(ms(pg.seconds)) | \(ms(lite.keptSeconds)) | \(ms(pg.keptSeconds)) |"
            )
        }
    }
}
