import ArgumentParser
import TierSyncDomain

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new node for an org unit, loaded with the org hierarchy and reference data.")

    @OptionGroup var node: NodeOptions

    @Option(help: ArgumentHelp("The node's org unit code, e.g. 520201 (钟山区).", valueName: "code"))
    var org: String

    @Option(
        help: ArgumentHelp(
            "A folder with orgs.csv and vocabulary.csv to load instead of the built-in seeds.", valueName: "dir"))
    var seeds: String?

    @Flag(help: "Print the node as JSON.") var json = false

    func run() throws {
        let seedData = try seeds.map { try SeedData.load(directory: $0) }
        let created = try TierSyncNode.create(path: node.db, org: org, seeds: seedData)
        if json {
            try Output.json([
                "node": created.store.node.id.rawValue, "org": created.org.code, "name": created.org.name,
                "db": node.db,
            ])
        } else {
            Output.line(
                "created node \(created.store.node.id) for \(created.org.code) \(created.org.name) at \(node.db)")
        }
    }
}
