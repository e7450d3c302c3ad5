import ArgumentParser
import TierSyncDomain
import TierSyncSpreadsheet

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print every record the node holds (deleted ones too) as JSON, or one table as CSV.",
        discussion: """
            json: {"records":[{"table":…,"id":…,"org":…,"deleted":false,"fields":{…}}]}, ordered by table and id.
            csv: one table (--table), UTF-8 with a byte-order mark so spreadsheets keep Chinese text.
            xlsx: a workbook (--out) with a sheet per kind people enter (or --table's), live records, Chinese \
            headers that `tiersync import` takes back.
            Tables: plan, contact, drill, progress_report (or report), material_item, stock_event.
            """)

    @OptionGroup var node: NodeOptions

    @Option(help: ArgumentHelp("json, csv or xlsx.", valueName: "format"))
    var format: TierSyncNode.ExportFormat

    @Option(help: ArgumentHelp("xlsx: the workbook to write.", valueName: "path"))
    var out: String?

    @Option(help: ArgumentHelp("Only this table (required for csv).", valueName: "name"))
    var table: String?

    func run() throws {
        let hub = try node.openWorkspace()
        let output = Output.Buffered()
        switch format {
        case .json: try hub.exportJSON(table: table, emit: output.emit)
        case .csv: try hub.exportCSV(table: table, emit: output.emit)
        case .xlsx:
            guard let out else { throw ValidationError("--format xlsx writes a workbook: give --out FILE.xlsx") }
            let kinds =
                try table.map { name in
                    guard let kind = RecordKind.named(name) ?? RecordKind.forTable(name), kind.editable else {
                        throw ValidationError(
                            "--table \(name): one of " + RecordKind.editableKinds.map(\.name).joined(separator: ", "))
                    }
                    return [kind]
                } ?? RecordKind.editableKinds
            let sheets = try hub.exportSheets(kinds, under: nil)
            try XLSXWriter.write(sheets, to: out)
            Output.line("wrote \(out) (sheets: \(sheets.map(\.name).joined(separator: ", ")))")
        }
        output.flush()
    }
}

extension TierSyncNode.ExportFormat: ExpressibleByArgument {}
