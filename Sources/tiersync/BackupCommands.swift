import ArgumentParser
import Foundation
import TierSyncClient
import TierSyncDomain
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
            lacks, and pull again from where its log restarts.
            """)

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("The backup file (from `tiersync backup`).", valueName: "file"))
    var from: String
    @Flag(help: "Print JSON.") var json = false

    struct Result: Encodable {
        let db: String
        let oldNode: String
        let node: String
    }

    func run() throws {
        let (old, new) = try TierSyncNode.restore(from: from, to: node.db)
        if json { return try Output.json(Result(db: node.db, oldNode: old.rawValue, node: new.rawValue)) }
        Output.line(
            "restored \(node.db) from \(from): node \(old) is now node \(new); sync with the parent to recover what the backup lacks"
        )
    }
}

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the node: integrity, schema, free disk, the parent, the clock; say what to fix.",
        discussion: "Exits 1 when a check finds a problem (warnings alone exit 0).")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let findings = await Doctor(path: node.db).examine()
        if json {
            try Output.json(["checks": findings])
        } else {
            for finding in findings {
                let state = finding.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                let check = finding.check.padding(toLength: 10, withPad: " ", startingAt: 0)
                Output.line("\(state) \(check) \(finding.detail)")
                if let fix = finding.fix { Output.line("         \(String(repeating: " ", count: 10)) → \(fix)") }
            }
        }
        if findings.contains(where: { $0.state == .problem }) { throw ExitCode(1) }
    }
}
