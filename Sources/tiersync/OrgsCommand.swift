import ArgumentParser
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

struct OrgsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orgs", abstract: "List the org hierarchy the node knows: code, parent, name, level.")

    @OptionGroup var node: NodeOptions

    @Option(help: ArgumentHelp("Only this unit and those below it.", valueName: "code"))
    var under: String?

    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let units =
            try node.postgres.map { try PostgresHub.open(address: $0).orgs(under: under) }
            ?? TierSyncNode.open(path: node.db).orgs(under: under)
        if json {
            try Output.json(units)
        } else {
            let depth = { (unit: OrgUnit) in unit.path.split(separator: "/").count - 1 }
            let top = units.map(depth).min() ?? 0
            Output.table(
                ["code", "parent", "name", "level"],
                units.map {
                    [
                        $0.code, $0.parent ?? "",
                        String(repeating: "  ", count: depth($0) - top) + $0.name + ($0.sample ? " (sample)" : ""),
                        $0.level.rawValue,
                    ]
                })
        }
    }
}
