import ArgumentParser
import TierSyncDomain

/// `tiersync attach KIND ID PATH`: attach a file to a record.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach a file (a plan's document, a drill's photo) to a record; prints the attachment's id.",
        discussion: """
            The file is stored once in the node's database, named by its SHA-256, and syncs with the \
            record: to the parent and up, and down only where the record is shared. KIND is a record \
            kind (\(RecordKind.all.map(\.name).joined(separator: ", "))).
            """)

    @OptionGroup var node: NodeOptions
    @Argument(help: "The record's kind.") var kind: String
    @Argument(help: "The record's id.") var id: String
    @Argument(help: "The file to attach.") var path: String
    @Option(help: ArgumentHelp("The name it is shown and saved under (default: the file's own).", valueName: "name"))
    var name: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard let recordKind = RecordKind.named(kind) else {
            throw ValidationError(
                "unknown kind '\(kind)'; allowed: \(RecordKind.all.map(\.name).joined(separator: ", "))")
        }
        let attachment =
            try node.openWorkspace().attach(recordKind, id: id, file: path, name: name)
        if json { return try Output.json(attachment) }
        Output.line(attachment.id)
    }
}

/// `tiersync attachments list|get|remove`.
struct AttachmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attachments", abstract: "List, save and remove the files attached to records.",
        subcommands: [List.self, Get.self, Remove.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the attachments this node holds, newest first, and whether their bytes are here yet.")
        @OptionGroup var node: NodeOptions
        @Option(help: ArgumentHelp("Only the attachments of this record.", valueName: "id")) var record: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let attachments =
                try node.openWorkspace().attachments(record: record)
            if json { return try Output.json(attachments) }
            Output.table(
                ["id", "record", "name", "type", "size", "sha256", "here"],
                attachments.map {
                    [
                        $0.id, "\($0.kind) \($0.record)", $0.name, $0.type, String($0.size), $0.sha256,
                        $0.here ? "yes" : "no",
                    ]
                }, maxWidth: 64)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save an attachment's file.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The attachment's id.") var attachment: String
        @Option(help: ArgumentHelp("Where to write it (replaced if it exists).", valueName: "file")) var out: String

        func run() throws {
            let saved =
                try node.openWorkspace().saveAttachment(attachment, to: out)
            Output.line("saved \(saved.name) (\(saved.size) bytes) to \(out)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an attachment; the removal syncs, and `tiersync compact` frees its bytes.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The attachment's id.") var attachment: String

        func run() throws {
            try node.openWorkspace().removeAttachment(attachment)
            Output.line("removed attachment \(attachment)")
        }
    }
}
