import ArgumentParser
import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the node's database to a file while it serves (SQLite's online backup, or pg_dump).",
        discussion: """
            The copy is one consistent state of the database, checked before it replaces --out. \
            To put it back, stop the node and run `tiersync restore --db FILE --from BACKUP`. For a hub \
            on PostgreSQL the file is a pg_dump archive (custom format), and the same restore command \
            puts it back in place.
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
        let (epoch, position): (String, Int64)
        if let address = try node.postgres {
            (epoch, position) = try PostgresDump.write(address, to: out)
        } else {
            let backup = try TierSyncNode.open(path: node.db).store.backup(to: out)
            (epoch, position) = (backup.id, backup.sinceSeq)
        }
        if json { return try Output.json(Result(backup: out, epoch: epoch, logPosition: position)) }
        Output.line("backed up \(try node.shown) to \(out) (log position \(position), epoch \(epoch))")
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a node back from a backup, with a new node id; the next sync recovers the rest from the parent.",
        discussion: """
            Stop `tiersync serve` for --db first. --from may be --db itself, for a file that was \
            copied back from a backup by hand. Children of this node send again what the backup \
            lacks, and pull again from where its log restarts. For a hub on PostgreSQL, --from is a \
            dump from `tiersync backup` (or pg_dump's custom format), put back in place with \
            pg_restore; without --from, the database was already put back by hand.
            """)

    @OptionGroup var node: NodeOptions
    @Option(
        help: ArgumentHelp("The backup file (from `tiersync backup`).", valueName: "file"))
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
            let id = NodeID.random(using: &random)
            if let from, from != node.db {
                (old, new) = try PostgresDump.restore(address, from: from, newNodeID: id)
            } else {
                // The database was put back by hand (pg_restore); this makes it a working hub again.
                (old, new) = try PostgresStore.restore(address: address, newNodeID: id)
            }
        } else {
            guard let from else { throw ValidationError("--from FILE: the backup to restore (from `tiersync backup`)") }
            (old, new) = try TierSyncNode.restore(from: from, to: node.db)
        }
        if json { return try Output.json(Result(db: try node.shown, oldNode: old.rawValue, node: new.rawValue)) }
        Output.line(
            "restored \(try node.shown)\(from.map { " from \($0)" } ?? ""): node \(old) is now node \(new); sync with the parent to recover what the backup lacks"
        )
    }
}
