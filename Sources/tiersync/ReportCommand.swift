import ArgumentParser
import TierSyncCore
import TierSyncDomain
import TierSyncReports
import TierSyncSpreadsheet

/// `tiersync report ...`: progress reports as records (add, set, delete, list, show), and the
/// consolidated rollups of the node's subtree (coverage, contacts, reserves, drills,
/// timeliness).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Add, change, delete, list and show progress reports (进展报告); print the rollups of an org's subtree.",
        subcommands: [
            AddRecord<ReportKind>.self, SetRecord<ReportKind>.self, DeleteRecord<ReportKind>.self,
            ListRecords<ReportKind>.self, ShowRecord<ReportKind>.self,
            RollupCommand<CoverageRollup>.self, RollupCommand<ContactsRollup>.self,
            RollupCommand<ReservesRollup>.self, RollupCommand<DrillsRollup>.self,
            RollupCommand<TimelinessRollup>.self, RollupCommand<TasksRollup>.self,
        ])
}

/// Names a rollup at the type level, so one generic command serves the five.
protocol RollupTag {
    static var kind: TierSyncReports.ReportKind { get }
    static var abstract: String { get }
}
enum CoverageRollup: RollupTag {
    static let kind = TierSyncReports.ReportKind.coverage
    static let abstract =
        "Plan coverage: units with no plan, unfiled or overdue plans; special-plan categories per county."
}
enum ContactsRollup: RollupTag {
    static let kind = TierSyncReports.ReportKind.contacts
    static let abstract =
        "Units with fewer than two information officers, hazards without a commander, contacts not confirmed."
}
enum ReservesRollup: RollupTag {
    static let kind = TierSyncReports.ReportKind.reserves
    static let abstract = "Material balances by category, reserve kind and org, and what was issued or written off."
}
enum DrillsRollup: RollupTag {
    static let kind = TierSyncReports.ReportKind.drills
    static let abstract = "Drills and participants per org and month."
}
enum TimelinessRollup: RollupTag {
    static let kind = TierSyncReports.ReportKind.timeliness
    static let abstract = "Twice-monthly progress reports per unit and period: on time, late, missing, not yet due."
}

enum TasksRollup: RollupTag {
    static let kind = TierSyncReports.ReportKind.tasks
    static let abstract = "Tasks tracked to close-out (销号): open, overdue, closed late, per unit."
}

/// `tiersync report KIND --db FILE|postgresql://… [--org CODE] [--format table|csv|json] ...`.
struct RollupCommand<Tag: RollupTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Tag.kind.rawValue, abstract: "\(Tag.kind.title): \(Tag.abstract)",
            discussion: """
                Rows: one per direct child of --org (the drill-down), the org's own records (本级) and the total; \
                then detail tables. CSV is UTF-8 with a byte-order mark: the whole report as titled sections, \
                or one table with --table.
                """)
    }

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("The org whose subtree is reported (default: the node's own).", valueName: "code"))
    var org: String?
    @Option(help: ArgumentHelp("Output: table, csv, json or xlsx (with --out; default table).", valueName: "format"))
    var format = "table"
    @Option(help: ArgumentHelp("xlsx: the workbook to write (a sheet per table).", valueName: "path")) var out: String?
    @Option(help: ArgumentHelp("The day the report is as of, YYYY-MM-DD (default: today).", valueName: "date"))
    var asOf: String?
    @Option(help: ArgumentHelp("Contacts: days after which a confirmation is stale (default 180).", valueName: "days"))
    var staleDays: String?
    @Option(help: ArgumentHelp("Drills, timeliness: first month, YYYY-MM.", valueName: "month")) var from: String?
    @Option(help: ArgumentHelp("Drills, timeliness: last month, YYYY-MM.", valueName: "month")) var through: String?
    @Option(help: ArgumentHelp("Rows per detail table; 0 lists all (default 1000).", valueName: "n")) var limit: String?
    @Option(help: ArgumentHelp("Only the table with this key (e.g. summary).", valueName: "key")) var table: String?

    func run() throws {
        let format = try choice(self.format, name: "--format", allowed: ["table", "csv", "json", "xlsx"])
        if format == "xlsx" && out == nil {
            throw ReportError.invalidOption("--out", value: "", allowed: "the .xlsx file to write, with --format xlsx")
        }
        let options = try reportOptions()
        let hub = try node.openHub()
        let report = try hub.readingReports { db in
            try Report.make(Tag.kind, org: org ?? hub.hubOrg.code, options: options, db: db)
        }
        let only = try table.map { key in
            guard let found = report.table(key) else {
                throw ReportError.invalidOption(
                    "--table", value: key, allowed: "one of " + report.tables.map(\.key).joined(separator: ", "))
            }
            return found
        }
        switch (format, only) {
        case ("xlsx", _):
            let sheets = only.map { [ReportXLSX.sheet($0)] } ?? ReportXLSX.sheets(report)
            try XLSXWriter.write(sheets, to: out!)
            Output.line("wrote \(out!) (\(sheets.count) sheet\(sheets.count == 1 ? "" : "s"))")
        case ("csv", let table?): Output.write(ReportCSV.table(table))
        case ("csv", nil): Output.write(ReportCSV.report(report))
        case ("json", let table?): Output.line(String(decoding: try ReportJSON.encode(table), as: UTF8.self))
        case ("json", nil): Output.line(String(decoding: try ReportJSON.encode(report), as: UTF8.self))
        case (_, let table?): Output.write(ReportText.render(table))
        default: Output.write(ReportText.render(report))
        }
    }

    func reportOptions() throws -> ReportOptions {
        try ReportOptions(asOf: asOf, staleDays: staleDays, from: from, through: through, limit: limit) { "--" + $0 }
    }

    func choice(_ value: String, name: String, allowed: [String]) throws -> String {
        guard allowed.contains(value) else {
            throw ReportError.invalidOption(name, value: value, allowed: "one of " + allowed.joined(separator: ", "))
        }
        return value
    }
}
