import ArgumentParser
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// `tiersync operator add|list|revoke`: the people who read this hub's reports over HTTP and
/// its dashboard, and the scripts that read its metrics (on a hub on PostgreSQL too).
struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Credentials for the people who read this hub's reports and dashboard.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an operator and print their credential (shown once; the hub keeps only its hash).")

        @OptionGroup var node: NodeOptions
        @Option(help: "The operator's name.") var name: String
        @Option(help: ArgumentHelp("The org whose subtree they see (default: this node's).", valueName: "code"))
        var org: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let issued =
                try node.postgres.map { try PostgresHub.open(address: $0).addOperator(name: name, org: org) }
                ?? TierSyncNode.open(path: node.db).addOperator(name: name, org: org)
            if json { return try Output.json(issued) }
            Output.line("operator \(issued.id) (\(issued.name)) sees \(issued.org); credential: \(issued.credential)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Operators, with when they were last seen.")

        @OptionGroup var node: NodeOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let operators =
                try node.postgres.map { try PostgresHub.open(address: $0).operators() }
                ?? TierSyncNode.open(path: node.db).operators()
            if json { return try Output.json(operators.map(Row.init)) }
            Output.table(
                ["id", "name", "org", "created", "last seen", "state"],
                operators.map {
                    [
                        $0.id, $0.name, $0.org, $0.createdAt, $0.lastSeen ?? "never",
                        $0.revokedAt.map { "revoked \($0)" } ?? "active",
                    ]
                })
        }

        struct Row: Encodable {
            let id, name, org, createdAt: String
            let lastSeen, revokedAt: String?
            init(_ account: OperatorAccount) {
                (id, name, org, createdAt, lastSeen, revokedAt) = (
                    account.id, account.name, account.org, account.createdAt, account.lastSeen, account.revokedAt
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an operator: their requests get 401.")

        @OptionGroup var node: NodeOptions
        @Argument(help: ArgumentHelp("The operator's id (op-…).", valueName: "id")) var id: String

        func run() throws {
            if let address = try node.postgres {
                try PostgresHub.open(address: address).revokeOperator(id)
            } else {
                try TierSyncNode.open(path: node.db).revokeOperator(id)
            }
            Output.line("revoked operator \(id)")
        }
    }
}
