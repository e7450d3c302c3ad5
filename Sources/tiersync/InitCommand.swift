import ArgumentParser
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

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
        let (id, unit): (NodeID, OrgUnit)
        var shown = node.db
        if let address = try node.postgres {
            let hub = try PostgresHub.create(address: address, org: org, seeds: seedData)
            (id, unit, shown) = (hub.hubNode, hub.hubOrg, address.description)  // no password
        } else {
            let created = try TierSyncNode.create(path: node.db, org: org, seeds: seedData)
            (id, unit) = (created.store.node.id, created.org)
        }
        if json {
            try Output.json(["node": id.rawValue, "org": unit.code, "name": unit.name, "db": shown])
        } else {
            Output.line("created node \(id) for \(unit.code) \(unit.name) at \(shown)")
        }
    }
}
