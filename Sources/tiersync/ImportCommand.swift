import ArgumentParser
import Foundation
import TierSyncDomain
import TierSyncSpreadsheet

extension ImportKind: ExpressibleByArgument {}

/// `tiersync import`: records from a spreadsheet (XLSX, or CSV in UTF-8 or GB18030).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import records from a spreadsheet: .xlsx, or .csv in UTF-8 or GB18030 (Excel's CSV on Chinese Windows).",
        discussion: """
            Headers may be the Chinese labels the export and the template write, the field keys, or common synonyms \
            (手机 / 手机号 / 联系电话). Title rows above the headers are skipped; merged header cells are refused. Dates \
            may be text (2026-03-10, 2026/3/10, 2026年3月10日) or spreadsheet dates; phones may be numbers or text. Rows \
            the same as an earlier row or a record the node has (same unit and name and phone, title, period… or the \
            same 记录编号) are skipped, or updated with --update. All or nothing, unless --skip-bad. \
            Exit status: 0 when imported (or on a dry run), 1 when rows were refused and nothing was written.
            """)

    @OptionGroup var node: NodeOptions
    @Option(help: "contact, plan, drill, report, task or stock (stock: one receive per row).") var kind: ImportKind
    @Option(help: ArgumentHelp("The .xlsx or .csv file.", valueName: "path")) var file: String
    @Option(help: ArgumentHelp("The sheet of an .xlsx file (default: the first).", valueName: "name")) var sheet:
        String?
    @Option(help: ArgumentHelp("The unit of rows that name none (default: the node's own).", valueName: "code"))
    var org: String?
    @Flag(help: "List what would be created, updated, skipped and refused; write nothing.") var dryRun = false
    @Flag(help: "Update records the rows are the same as, instead of skipping them.") var update = false
    @Flag(help: "Import the good rows and report the refused ones, instead of importing nothing.") var skipBad = false
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let opened = try node.openWorkspace()
        let (sheet, encoding) = try SheetFile.read(path: file, sheet: self.sheet)
        let report = try opened.importSheet(
            sheet, kind: kind, encoding: encoding,
            options: .init(org: org, dryRun: dryRun, update: update, skipBad: skipBad))
        if json { try Output.json(report) } else { Self.print(report) }
        if !report.committed && !report.dryRun {
            throw DomainError.procedure(
                "nothing imported: \(report.refused.count) refusal(s) in \(Set(report.refused.map(\.row)).count) row(s); fix them, or use --skip-bad to import the other rows",
                chinese: "未导入任何记录", forbidden: false)
        }
    }

    static func print(_ report: ImportReport) {
        let verb = report.dryRun ? "would create" : report.committed ? "created" : "not written: would have created"
        Output.line(
            "\(report.sheet)\(report.encoding.map { " (\($0))" } ?? ""): headers in row \(report.headerRow); "
                + "\(verb) \(report.created.count), updated \(report.updated.count), "
                + "skipped \(report.duplicates.count) duplicate(s), refused \(report.refused.count)")
        Output.line(
            "columns: " + report.columns.map { "\($0.column) \($0.header) → \($0.field)" }.joined(separator: ", "))
        if !report.ignoredColumns.isEmpty {
            Output.line("ignored columns: " + report.ignoredColumns.joined(separator: ", "))
        }
        if !report.refused.isEmpty {
            Output.table(
                ["row", "column", "value", "reason"],
                report.refused.map { [String($0.row), $0.column, $0.value, $0.reason] }, maxWidth: 90)
        }
        if !report.duplicates.isEmpty {
            Output.table(["row", "skipped"], report.duplicates.map { [String($0.row), $0.reason] }, maxWidth: 90)
        }
        let written = report.created.map { ($0, "create") } + report.updated.map { ($0, "update") }
        if !written.isEmpty {
            Output.table(
                ["row", "action", "record"],
                written.sorted { $0.0.row < $1.0.row }.map { [String($0.0.row), $0.1, $0.0.summary] })
        }
    }
}

/// `tiersync template`: an empty sheet of a kind with its headers and its allowed values.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract:
            "Write an empty sheet of a kind for import: its headers, and a sheet (a second file for CSV) of allowed values."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case xlsx, csv }

    @OptionGroup var node: NodeOptions
    @Option(help: "contact, plan, drill, report, task or stock.") var kind: ImportKind
    @Option(help: "xlsx or csv.") var format: Format = .xlsx
    @Option(help: ArgumentHelp("Where to write (default: KIND-template.xlsx or .csv here).", valueName: "path"))
    var out: String?

    func run() throws {
        let sheets = try node.openWorkspace().templateSheets(kind)
        let path = out ?? "\(kind.rawValue)-template.\(format.rawValue)"
        switch format {
        case .xlsx:
            try XLSXWriter.write(sheets, to: path)
            Output.line("wrote \(path) (sheets: \(sheets.map(\.name).joined(separator: ", ")))")
        case .csv:
            let allowed = (path.hasSuffix(".csv") ? String(path.dropLast(4)) : path) + "-allowed.csv"
            try write(sheets[0], to: path)
            try write(sheets[1], to: allowed)
            Output.line("wrote \(path) and its allowed values \(allowed)")
        }
    }

    private func write(_ sheet: Sheet, to path: String) throws {
        let text =
            CSV.byteOrderMark
            + sheet.rows.map { row in
                CSV.line(row.map { if case .text(let text) = $0 { text } else { "" } })
            }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
