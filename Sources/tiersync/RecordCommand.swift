import ArgumentParser
import TierSyncDomain
import TierSyncPostgres

/// Names a record kind at the type level, so one generic command serves plan, contact,
/// drill and report.
protocol KindTag {
    static var kind: RecordKind { get }
    /// The kind's procedures beside add, set, delete, list and show (`plan file`).
    static var procedures: [any ParsableCommand.Type] { get }
}
extension KindTag { static var procedures: [any ParsableCommand.Type] { [] } }
enum PlanKind: KindTag {
    static var kind: RecordKind { .plan }
    static var procedures: [any ParsableCommand.Type] { [FilePlan.self, PlanVerdict.self] }
}
enum ContactKind: KindTag { static var kind: RecordKind { .contact } }
enum DrillKind: KindTag { static var kind: RecordKind { .drill } }
enum ReportKind: KindTag { static var kind: RecordKind { .report } }
enum DirectiveKind: KindTag {
    static var kind: RecordKind { .directive }
    static var procedures: [any ParsableCommand.Type] { [ReadDirective.self, DirectiveReceipts.self] }
}
enum ExtensionKind: KindTag { static var kind: RecordKind { .deadlineExtension } }
enum TaskKind: KindTag {
    static var kind: RecordKind { .task }
    static var procedures: [any ParsableCommand.Type] { [RequestCloseout.self, ReturnTask.self] }
}

/// `tiersync KIND add|set|delete|list|show`.
struct RecordCommand<Tag: KindTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Tag.kind.name,
            abstract: "Add, change, delete, list and show \(Tag.kind.name) records (\(Tag.kind.displayName)).",
            subcommands: [
                AddRecord<Tag>.self, SetRecord<Tag>.self, DeleteRecord<Tag>.self, ListRecords<Tag>.self,
                ShowRecord<Tag>.self,
            ] + Tag.procedures)
    }
}

/// The fields of a kind, for help text.
func fieldHelp(_ kind: RecordKind) -> String {
    "Fields (Chinese names or English keys are accepted for categories and roles):\n"
        + kind.fields.map { "  --\($0.flag)\($0.required ? " (required)" : ""): \($0.summary)" }.joined(separator: "\n")
}

struct AddRecord<Tag: KindTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "add", abstract: "Add a \(Tag.kind.name); prints its id.",
            usage: "tiersync \(Tag.kind.name) add --db <file> [--org <code>] --FIELD VALUE ... [--json]",
            discussion: fieldHelp(Tag.kind))
    }

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("Owning org unit (default: the node's own).", valueName: "code")) var org: String?
    @Flag(help: "Print the whole record as JSON.") var json = false
    @Argument(parsing: .allUnrecognized, help: .hidden) var fieldArguments: [String] = []

    func run() throws {
        let values = try FieldArguments.parseFlags(fieldArguments, kind: Tag.kind)
        let record =
            try node.openWorkspace().add(Tag.kind, org: org, values: values, id: nil)
        try Output.record(record, json: json)
    }
}

struct SetRecord<Tag: KindTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "set",
            abstract: "Change fields of a \(Tag.kind.name): FIELD=VALUE; an empty VALUE clears an optional field.",
            discussion: fieldHelp(Tag.kind))
    }

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print the record as JSON.") var json = false
    @Argument(help: "The record's id.") var id: String
    @Argument(help: ArgumentHelp("FIELD=VALUE pairs.", valueName: "field=value")) var assignments: [String] = []

    func run() throws {
        let values = try FieldArguments.parseAssignments(assignments, kind: Tag.kind)
        let (record, changes) =
            try node.openWorkspace().set(Tag.kind, id: id, values: values)
        if json {
            Output.line(try RecordDocument(record).json())
        } else {
            Output.line(
                changes.isEmpty
                    ? "no change to \(record.id)"
                    : "updated \(record.id): " + changes.map(\.field).joined(separator: ", "))
        }
    }
}

struct DeleteRecord<Tag: KindTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "delete", abstract: "Delete a \(Tag.kind.name) (kept as a tombstone, which syncs).")
    }

    @OptionGroup var node: NodeOptions
    @Argument(help: "The record's id.") var id: String

    func run() throws {
        try node.openWorkspace().delete(Tag.kind, id: id)
        Output.line("deleted \(id.lowercased())")
    }
}

struct ListRecords<Tag: KindTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "List \(Tag.kind.name) records of the node, or of one org and the units below it.")
    }

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("Only records of this org and the units below it.", valueName: "code")) var org: String?
    @Flag(help: "Include deleted records.") var deleted = false
    @Flag(help: "Also list what upper levels share down (read-only here).") var shared = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try listKind(Tag.kind, node: node, org: org, includeDeleted: deleted, shared: shared, json: json)
    }
}

struct ShowRecord<Tag: KindTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "show", abstract: "Show one \(Tag.kind.name) with every field.")
    }

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "The record's id.") var id: String

    func run() throws {
        if let address = try node.postgres {
            let hub = try PostgresHub.open(address: address)
            let record = try hub.record(Tag.kind, id: id)
            if json { return Output.line(try RecordDocument(record).json()) }
            return RecordPrinter(vocabulary: hub.vocabulary, orgs: try hub.orgs()).detail(Tag.kind, record)
        }
        let opened = try TierSyncNode.open(path: node.db)
        let record = try opened.show(Tag.kind, id: id)
        if json {
            Output.line(try RecordDocument(record).json())
        } else {
            RecordPrinter(node: opened).detail(Tag.kind, record)
        }
    }
}
