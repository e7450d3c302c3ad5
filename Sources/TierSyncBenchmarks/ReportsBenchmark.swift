import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDashboard
import TierSyncDomain
import TierSyncPostgres
import TierSyncReports

/// Every rollup on a province-sized hub, timed against a plain `SELECT count(*) … WHERE
/// deleted = 0` of the tables the report reads (a full scan of the same rows with no work per
/// row), at the province (the whole database), one city and one county.
struct ReportsBenchmark {
    let records: Int
    let runs: Int
    let directory: URL
    /// A PostgreSQL server to measure the same reports on too (`ReportsBenchmark+postgres.swift`).
    var postgres: PostgresAddress?

    /// The province, one city and one county.
    static let orgs = ["520000", "591000", "591001"]

    struct Measurement {
        let kind: ReportKind
        let org: String
        let seconds: Double
        let countSeconds: Double
        let rows: Int
    }

    /// The tables each report reads.
    static let tables: [ReportKind: [String]] = [
        .coverage: ["plan"], .contacts: ["contact", "plan"], .reserves: ["stock_event", "material_item"],
        .drills: ["drill"], .timeliness: ["progress_report"], .tasks: ["task"],
    ]

    /// The dashboard's overview page of one org: every report, the child health, the
    /// conflicts, and the HTML.
    struct PageMeasurement {
        let org: String
        /// The reports made for the page (no cache, or the first visit).
        let seconds: Double
        /// The reports kept from an earlier visit, the log unchanged (`RollupCache`).
        let keptSeconds: Double
        /// The first visit after a change: the older reports, while a refresh makes new ones.
        let afterChangeSeconds: Double
        /// From the visit after a change until the refresh it started has made new reports
        /// (that visit included).
        let refreshSeconds: Double
        let bytes: Int
    }

    struct Outcome {
        let orgs: Int
        let grassRoots: Int
        let results: [Measurement]
        let pages: [PageMeasurement]
        let postgres: PostgresMeasurement?
    }

    func run() throws -> Outcome {
        let path = directory.appendingPathComponent("province.db").path
        let (orgs, grassRoots) = try ProvinceDatabase(path: path, records: records).build()
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let options = ReportOptions(asOf: CivilDate(parsing: "2026-11-29")!)
        var results: [Measurement] = []
        for org in Self.orgs {
            for kind in ReportKind.allCases {
                var reportTimes: [Double] = []
                var countTimes: [Double] = []
                var rows = 0
                for _ in 0..<runs {
                    try queue.read { db in
                        reportTimes.append(
                            try time {
                                rows = try Report.make(kind, org: org, options: options, db: db).tables[0].rows.count
                            })
                        countTimes.append(
                            try time {
                                for table in Self.tables[kind]! {
                                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE deleted = 0")
                                }
                            })
                    }
                }
                results.append(
                    Measurement(
                        kind: kind, org: org, seconds: median(reportTimes), countSeconds: median(countTimes), rows: rows
                    ))
            }
        }
        try queue.close()
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let node = try TierSyncNode.open(path: path, logger: silent)
        var pages: [PageMeasurement] = []
        for org in Self.orgs {
            var times: [Double] = []
            var kept: [Double] = []
            var afterChange: [Double] = []
            var refreshes: [Double] = []
            var bytes = 0
            let unit = try node.visibleOrg(org, to: node.org)
            func page(_ cache: RollupCache?) throws -> Double {
                try time {
                    let data = try DashboardData.load(
                        hub: node, org: unit, scope: node.org, options: options, cache: cache)
                    bytes = DashboardRenderer.render(OverviewPage(data), operator: nil).utf8.count
                }
            }
            for run in 0..<runs {
                times.append(try page(nil))
                let refreshed = DispatchSemaphore(value: 0)
                let cache = RollupCache(capacity: 8) { _ in refreshed.signal() }
                _ = try page(cache)
                kept.append(try page(cache))
                try node.add(.plan, org: org, values: ["title": "汇总基准预案 \(run)", "level": "overall"])
                let start = DispatchTime.now()
                afterChange.append(try page(cache))
                refreshed.wait()
                refreshes.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
            }
            pages.append(
                PageMeasurement(
                    org: org, seconds: median(times), keptSeconds: median(kept),
                    afterChangeSeconds: median(afterChange), refreshSeconds: median(refreshes), bytes: bytes))
        }
        let postgres = try self.postgres.map { try measurePostgres(copying: node, server: $0, options: options) }
        return Outcome(orgs: orgs, grassRoots: grassRoots, results: results, pages: pages, postgres: postgres)
    }

    func print(_ outcome: Outcome) {
        Swift.print(
            "Reports on \(records) records, \(outcome.orgs) synthetic org units (\(outcome.grassRoots) townships, villages and enterprises), median of \(runs) runs\n"
        )
        Swift.print("| report | org | summary rows | report ms | count(*) ms | report ÷ count(*) |")
        Swift.print("|---|---|---:|---:|---:|---:|")
        for m in outcome.results {
            Swift.print(
                "| \(m.kind.rawValue) | \(m.org) | \(m.rows) | \(String(format: "%.0f", m.seconds * 1000)) | "
                    + "\(String(format: "%.1f", m.countSeconds * 1000)) | \(String(format: "%.1f", m.seconds / max(m.countSeconds, 1e-6)))× |"
            )
        }
        printPages(outcome.pages)
        if let postgres = outcome.postgres { printPostgres(postgres, sqlite: outcome.results, pages: outcome.pages) }
    }

    func printPages(_ pages: [PageMeasurement]) {
        Swift.print(
            "\nThe dashboard's overview page (every report, child health, conflicts, HTML), median of \(runs) runs\n"
        )
        Swift.print(
            "| org | reports made ms | reports kept ms | after a change ms | new reports after ms | made ÷ kept | HTML KB |"
        )
        Swift.print("|---|---:|---:|---:|---:|---:|---:|")
        func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
        for page in pages {
            Swift.print(
                "| \(page.org) | \(ms(page.seconds)) | \(ms(page.keptSeconds)) | \(ms(page.afterChangeSeconds)) | "
                    + "\(ms(page.refreshSeconds)) | \(String(format: "%.0f", page.seconds / max(page.keptSeconds, 1e-6)))× | "
                    + "\(String(format: "%.0f", Double(page.bytes) / 1024)) |")
        }
    }

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
