import ArgumentParser
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres

/// `tiersync conflicts list|resolve`: reviewing the edits that the merge kept beside the
/// value it shows.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Review and resolve conflicting edits made on different nodes.",
        subcommands: [ListConflicts.self, ResolveConflict.self])
}

struct ListConflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List open conflicts: the record, the field, both values, who made each and when.")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Include settled conflicts (the history: who overwrote what, when, and how it was settled).")
    var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let conflicts: [ConflictView]
        let orgNames: [String: String]
        if let address = try node.postgres {
            // A hub on PostgreSQL lists what waits for review; the history is on the SQLite nodes.
            let hub = try PostgresHub.open(address: address)
            defer { hub.store.close() }
            conflicts = try hub.conflicts(includeSettled: all)
            orgNames = try hub.orgNames()
        } else {
            let opened = try TierSyncNode.open(path: node.db)
            conflicts = try opened.conflicts(includeSettled: all)
            orgNames = Dictionary(try opened.orgs().map { ($0.code, $0.name) }) { first, _ in first }
        }
        if json { return try Output.json(["conflicts": conflicts]) }
        func side(_ side: ConflictView.Side) -> String {
            let who = side.org.map { orgNames[$0] ?? $0 } ?? "node \(side.node)"
            return "\(show(side.value)) (\(who), \(side.time))"
        }
        func show(_ value: FieldValue) -> String { value.isNull ? "(empty)" : value.description }
        Output.table(
            ["id", "table", "record", "org", "field", "current", "other", "status"],
            conflicts.map { conflict in
                let field = conflict.kind == "deleted-while-edited" ? "deleted vs \(conflict.field)" : conflict.field
                let current =
                    conflict.kind == "deleted-while-edited"
                    ? "deleted (\(conflict.current.time))" : side(conflict.current)
                let status =
                    conflict.settled.map {
                        "settled \($0.time) by \($0.org.map { orgNames[$0] ?? $0 } ?? "node " + $0.node): \($0.how)"
                    }
                    ?? (conflict.needsReview ? "needs review" : "settled by policy; review optional")
                return [
                    String(conflict.id), conflict.table, conflict.record,
                    orgNames[conflict.recordOrg] ?? conflict.recordOrg, field,
                    current, side(conflict.other), status,
                ]
            },
            maxWidth: 60)
        Output.line("\(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s")")
    }
}

struct ResolveConflict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a conflict with a new edit, which settles it here and on every node it reaches.",
        discussion: """
            --keep current keeps the value shown now; --keep other takes the other value; --value sets a new one.
            For a delete conflict (deleted vs FIELD): --keep current keeps the record deleted, --keep other restores it.
            """)

    enum Side: String, ExpressibleByArgument { case current, other }

    @OptionGroup var node: NodeOptions
    @Argument(help: "The conflict's id, from `tiersync conflicts list`.") var conflict: Int64
    @Option(help: "current or other.") var keep: Side?
    @Option(parsing: .unconditional, help: "A new value for the field.") var value: String?
    @Flag(help: "Print the record as JSON.") var json = false

    func validate() throws {
        guard (keep == nil) != (value == nil) else {
            throw ValidationError("give exactly one of --keep current, --keep other or --value VALUE")
        }
    }

    func run() throws {
        let resolution: TierSyncNode.Resolution =
            switch keep {
            case .current: .keepCurrent
            case .other: .keepOther
            case nil: .value(value!)
            }
        let record =
            try node.openWorkspace().resolveConflict(conflict, resolution)
        if json {
            Output.line(try RecordDocument(record).json())
        } else {
            Output.line("resolved conflict \(conflict) on \(record.table) \(record.id)")
        }
    }
}
