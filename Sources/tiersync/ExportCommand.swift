import ArgumentParser
import TierSyncDomain

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print every record the node holds (deleted ones too) as JSON, or one table as CSV.",
        discussion: """
            json: {"records":[{"table":…,"id":…,"org":…,"deleted":false,"fields":{…}}]}, ordered by table and id.
            csv: one table (--table), UTF-8 with a byte-order mark so spreadsheets keep Chinese text.
            Tables: plan, contact, drill, progress_report (or report), material_item, stock_event.
            """)

    @OptionGroup var node: NodeOptions

    @Option(help: ArgumentHelp("json or csv.", valueName: "format"))
    var format: TierSyncNode.ExportFormat

    @Option(help: ArgumentHelp("Only this table (required for csv).", valueName: "name"))
    var table: String?

    func run() throws {
        let opened = try TierSyncNode.open(path: node.db)
        let output = Output.Buffered()
        switch format {
        case .json: try opened.exportJSON(table: table, emit: output.emit)
        case .csv: try opened.exportCSV(table: table, emit: output.emit)
        }
        output.flush()
    }
}

extension TierSyncNode.ExportFormat: ExpressibleByArgument {}
