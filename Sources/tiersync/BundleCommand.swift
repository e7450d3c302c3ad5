import ArgumentParser
import TierSyncDomain

/// `tiersync bundle export|import`: sync by file, for townships with no network (a USB
/// stick, a chat attachment).
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Sync with the parent or a child by file.",
        subcommands: [ExportBundle.self, ImportBundle.self])
}

struct ExportBundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write what the peer org should receive and has not acknowledged to a bundle file.",
        discussion: """
            Toward the parent: everything made in this node's subtree. Toward a child: everything in the \
            child's scope made outside it. The file is compressed and checksummed, and names this node and \
            the org it is for. The files of the attachments it carries go in a folder beside it, FILE.files/.
            """)

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("The peer's org code: this node's parent or one of its children.", valueName: "org"))
    var to: String
    @Option(help: ArgumentHelp("The bundle file to write.", valueName: "file")) var out: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let summary = try node.openWorkspace().exportBundle(to: to, path: out)
        if json {
            try Output.json(summary)
        } else {
            Output.line("wrote \(summary.changes) changes for \(to) to \(out)")
            if summary.files > 0 {
                Output.line(
                    "wrote \(summary.files) attached files (\(summary.fileBytes) bytes) to \(TierSyncNode.filesFolder(ofBundle: out))/: copy the folder with the bundle"
                )
            }
        }
    }
}

struct ImportBundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply a bundle from the parent or a child: checked whole first, then applied in one transaction.")

    @OptionGroup var node: NodeOptions
    @Argument(help: "The bundle file.") var bundle: String
    @Option(
        help: ArgumentHelp(
            "Refuse changes stamped more than this many hours ahead of this node's clock.", valueName: "hours"))
    var maxClockSkew: Double = 24
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard maxClockSkew > 0, maxClockSkew <= 24 * 365 else {
            throw ValidationError("--max-clock-skew must be a number of hours above 0, up to 8760")
        }
    }

    func run() throws {
        let result = try node.openWorkspace().importBundle(
            path: bundle, skewBound: Int64(maxClockSkew * 3_600_000))
        let report = result.report
        if json { return try Output.json(result) }
        Output.line(
            "from \(result.fromOrg): applied \(report.applied), already known \(report.alreadyKnown), "
                + "conflicts \(report.conflicts), refused \(report.refused.count)"
                + (report.opaque > 0 ? ", kept for a later release \(report.opaque)" : ""))
        for refusal in report.refused { Output.line("refused: \(refusal)") }
        let files = result.files
        if files.stored + files.skipped + files.damaged.count > 0 {
            Output.line("files: stored \(files.stored), skipped \(files.skipped), damaged \(files.damaged.count)")
        }
        for damage in files.damaged { Output.line("damaged: \(damage)") }
    }
}

struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract:
            "Drop superseded change-log entries (what any peer receives stays the same) and files no live attachment refers to."
    )

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let result =
            try node.openWorkspace().compact()
        if json { return try Output.json(result) }
        Output.line(
            "dropped \(result.logEntries) superseded change-log entries and \(result.files) files no attachment refers to (\(result.fileBytes) bytes)"
        )
    }
}
