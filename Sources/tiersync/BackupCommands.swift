import ArgumentParser
import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the node's database to a file while it serves (SQLite's online backup).",
        discussion: """
            The copy is one consistent state of the database, checked before it replaces --out. \
            To put it back, stop the node and run `tiersync restore --db FILE --from BACKUP`.
            """)

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("The backup file to write (replaced if it exists).", valueName: "file"))
    var out: String
    @Flag(help: "Print JSON.") var json = false

    struct Result: Encodable {
        let backup: String
        let epoch: String
        let logPosition: Int64
    }

    func run() throws {
        let epoch = try TierSyncNode.open(path: node.db).store.backup(to: out)
        if json { return try Output.json(Result(backup: out, epoch: epoch.id, logPosition: epoch.sinceSeq)) }
        Output.line("backed up \(node.db) to \(out) (log position \(epoch.sinceSeq), epoch \(epoch.id))")
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a node back from a backup, with a new node id; the next sync recovers the rest from the parent.",
        discussion: """
            Stop `tiersync serve` for --db first. --from may be --db itself, for a file that was \
            copied back from a backup by hand. Children of this node send again what the backup \
            lacks, and pull again from where its log restarts. For a hub on PostgreSQL, restore \
            the dump into its database with pg_restore first, then run this with --db alone.
            """)

    @OptionGroup var node: NodeOptions
    @Option(
        help: ArgumentHelp("The backup file (from `tiersync backup`); not for a hub on PostgreSQL.", valueName: "file"))
    var from: String?
    @Flag(help: "Print JSON.") var json = false

    struct Result: Encodable {
        let db: String
        let oldNode: String
        let node: String
    }

    func run() throws {
        var random = SystemRandomNumberGenerator()
        let (old, new): (NodeID, NodeID)
        if let address = try node.postgres {
            // The database was put back with pg_restore; this makes it a working hub again.
            guard from == nil || from == node.db else {
                throw ValidationError(
                    "a hub on PostgreSQL is restored in place: restore the dump with pg_restore, then run this with --db alone"
                )
            }
            (old, new) = try PostgresStore.restore(address: address, newNodeID: NodeID.random(using: &random))
        } else {
            guard let from else { throw ValidationError("--from FILE: the backup to restore (from `tiersync backup`)") }
            (old, new) = try TierSyncNode.restore(from: from, to: node.db)
        }
        if json { return try Output.json(Result(db: node.db, oldNode: old.rawValue, node: new.rawValue)) }
        Output.line(
            "restored \(node.db)\(from.map { " from \($0)" } ?? ""): node \(old) is now node \(new); sync with the parent to recover what the backup lacks"
        )
    }
}
