import ArgumentParser
import Foundation
import TierSyncDomain

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show TierSync's main job on sample data: create a township node, enter records, list them.")

    @Option(help: ArgumentHelp("Where to create the demo node (default: a new temporary folder).", valueName: "file"))
    var db: String?

    func run() throws {
        let path =
            try db
            ?? {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "tiersync-demo-\(UUID().uuidString.prefix(8))")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                return folder.appendingPathComponent("township.db").path
            }()
        let node = try DemoScenario.run(path: path)
        Output.line("Created township node \(node.store.node.id) for \(node.org.code) \(node.org.name) at \(path)\n")
        let printer = RecordPrinter(node: node)
        for kind in RecordKind.editableKinds {
            Output.line("== \(kind.displayName) (tiersync \(kind.name) list --db \(path))")
            printer.table(kind, try node.list(kind))
            Output.line()
        }
        Output.line("== 物资储备 (tiersync stock balance --db \(path))")
        try StockBalanceCommand.parse(["--db", path]).run()
        Output.line(
            "\nEvery write above is in the change log that sync sends: sqlite3 \(path) 'SELECT count(*) FROM change_log'"
        )
    }
}
