import ArgumentParser
import TierSyncCore
import TierSyncDomain
import TierSyncReports

/// `tiersync periods`: each grass-roots unit's state per reporting period.
struct PeriodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "periods",
        abstract: "Each unit's state per period: progress reports (half-months), drills (months), year-end summary.",
        discussion: """
            States: due (not yet due), on-time, late, missing, approved. A report is judged by when it was made at \
            its unit (the stamp of its creating edit), not when it arrived; when it reached each level is shown \
            beside it, and a gap of more than \(PeriodLedger.gapDays) days is flagged. Due dates include the \
            extensions an upper level granted (tiersync extension add).
            """)

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("The org whose units are listed (default: the node's own).", valueName: "code"))
    var org: String?
    @Option(
        help: ArgumentHelp("First month, YYYY-MM (default: two months before the as-of month).", valueName: "month"))
    var from: String?
    @Option(help: ArgumentHelp("Last month, YYYY-MM (default: the as-of month).", valueName: "month"))
    var through: String?
    @Option(help: ArgumentHelp("The day the states are as of, YYYY-MM-DD (default: today).", valueName: "date"))
    var asOf: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let options = try ReportOptions(
            asOf: asOf, staleDays: nil, from: from, through: through, limit: nil
        ) { "--" + $0 }
        let hub = try node.openHub()
        let rows = try hub.readingReports { db in
            try PeriodLedger.make(org: org ?? hub.hubOrg.code, options: options, db: db)
        }
        if json { return try Output.json(PeriodsDocument(asOf: options.asOf.description, periods: rows)) }
        Output.table(
            ["org", "name", "subject", "period", "due", "state", "made", "arrived", "approved", "flag"],
            rows.map { row in
                [
                    row.org, row.name, row.subject.rawValue, row.period, row.due + (row.extended ? " (extended)" : ""),
                    row.state.rawValue
                        + (row.state == .approved ? (row.onTime == true ? " (on time)" : " (late)") : ""),
                    row.madeAt ?? "", row.arrivals.map { "\($0.name) \($0.at)" }.joined(separator: "; "),
                    row.approvedBy ?? "", row.gap ? "gap" : "",
                ]
            })
    }
}

/// `periods --json`: `{"asOf": "...", "periods": [...]}`.
struct PeriodsDocument: Encodable {
    let asOf: String
    let periods: [PeriodLedger.Row]
}
