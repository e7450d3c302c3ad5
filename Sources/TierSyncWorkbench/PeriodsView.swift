import Foundation
import Hummingbird
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncReports

/// `/periods` (报送期次): each unit's state per period, as `tiersync periods` lists it, for
/// the visitor's subtree; `from`, `through` (YYYY-MM) and `as-of` in the query.
struct PeriodsView: Sendable {
    struct Row: Sendable {
        let name: String
        let subject: String
        let period: String
        let due: String
        let state: String
        let stateKey: String
        let made: String
        let arrived: String
        let flag: String
        let href: String?
    }

    let asOf: String
    let from: String
    let through: String
    let rows: [Row]
    let empty: Bool
    /// Where an upper level grants its units more time; nil where the node has none below.
    let extensionHref: String?

    static let subjects: [PeriodLedger.Subject: String] = [.report: "进展报告", .drill: "演练", .summary: "年终总结"]
}

extension Pages {
    func periods(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let options = try ReportOptions(
                asOf: page.query("as-of"), staleDays: nil, from: page.query("from"), through: page.query("through"),
                limit: nil)
            let view = try await blocking { [node, hasSubtree] in
                let rows = try node.readingRecords { reader in
                    try PeriodLedger.make(org: visitor.scope.code, options: options, db: reader)
                }
                return PeriodsView(
                    asOf: options.asOf.description, from: options.reportingMonths.lowerBound.description,
                    through: options.reportingMonths.upperBound.description,
                    rows: rows.map { row in
                        PeriodsView.Row(
                            name: row.name, subject: PeriodsView.subjects[row.subject] ?? row.subject.rawValue,
                            period: row.period, due: row.due + (row.extended ? "（已延期）" : ""),
                            state: row.state.chinese
                                + (row.state == .approved ? (row.onTime == true ? "（按时）" : "（迟报）") : ""),
                            stateKey: row.state.rawValue,
                            made: row.madeAt.map { ChinaTime.display($0) } ?? "",
                            arrived: row.arrivals.map { "\($0.name) \(ChinaTime.display($0.at))" }.joined(
                                separator: "；"),
                            flag: row.gap ? "上报间隔超过\(PeriodLedger.gapDays)天" : "",
                            href: row.record.map {
                                "/records/\(row.subject == .drill ? RecordKind.drill.name : RecordKind.report.name)/\($0)"
                            })
                    }, empty: rows.isEmpty, extensionHref: hasSubtree ? "/records/extension/new" : nil)
            }
            return await render("periods", view, title: "报送期次", visitor: visitor, section: "review")
        }
    }
}
