import ArgumentParser
import Foundation
import Logging
import TierSyncDomain
import TierSyncPostgres

/// `tiersync`: the command-line tool of a TierSync node. Thin: it parses arguments,
/// calls TierSyncDomain, and prints.
@main
struct TierSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiersync",
        abstract: "Offline-first records and sync for township, county, city and province emergency offices.",
        discussion: """
            Every command works on one node's store (--db): its SQLite file, or for a hub past one \
            machine a postgresql:// URL (all but user, bundle, backup and demo). Errors print \
            one line on stderr and exit non-zero; a failed command writes nothing.
            Log level: TIERSYNC_LOG_LEVEL=debug|info|warning|error (default warning), on stderr.
            """,
        subcommands: [
            InitCommand.self,
            RecordCommand<PlanKind>.self, RecordCommand<ContactKind>.self,
            RecordCommand<DrillKind>.self, ReportCommand.self, RecordCommand<TaskKind>.self,
            RecordCommand<DirectiveKind>.self, RecordCommand<ExtensionKind>.self, PeriodsCommand.self,
            StockCommand.self, ConflictsCommand.self, BundleCommand.self, CompactCommand.self, BackupCommand.self,
            RestoreCommand.self, DoctorCommand.self, OrgsCommand.self, AttachCommand.self, AttachmentsCommand.self,
            ExportCommand.self, DemoCommand.self, ServeCommand.self, EnrollCommand.self, JoinCommand.self,
            SyncCommand.self, StatusCommand.self, NodesCommand.self, RevokeCommand.self, OperatorCommand.self,
            UserCommand.self, ApproveCommand.self, UnapproveCommand.self, ApprovalRuleCommand.self,
            AmendmentsCommand.self, FilingsCommand.self, ImportCommand.self, TemplateCommand.self,
        ])

    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let level = ProcessInfo.processInfo.environment["TIERSYNC_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            handler.logLevel = level ?? .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            // Help and version requests print as ArgumentParser formats them; every error is
            // one line on stderr, as scripts expect.
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            // A command that has said everything itself (doctor's findings) exits quietly.
            if error is ExitCode { Foundation.exit(code.rawValue) }
            let message = message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            let hint = code == .validationFailure ? " (see --help for usage)" : ""
            FileHandle.standardError.write(Data("Error: \(message)\(hint)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

/// Options every command that works on a node takes.
struct NodeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The node's SQLite file; for a hub on PostgreSQL (init, join, enroll, nodes, revoke, serve, sync, status, operator, orgs, conflicts list|resolve, user, approve, unapprove, approval-rule, report KIND, periods, add, set, delete, show and list of a record kind, plan file|verdict, filings, task closeout|return, directive read|receipts, amendments, stock, attach, attachments, import, template, export, bundle, compact, doctor, backup and restore), a postgresql:// URL.",
            valueName: "file"))
    var db: String

    /// The PostgreSQL store `--db` names, when it is a `postgresql://` URL.
    var postgres: PostgresAddress? {
        get throws { PostgresAddress.isAddress(db) ? try PostgresAddress(parsing: db) : nil }
    }

    /// `--db` as messages show it: a PostgreSQL URL without its password.
    var shown: String {
        get throws { try postgres?.description ?? db }
    }

    /// The node or hub `--db` names, on either store, for what a person does on it.
    func openWorkspace() throws -> any NodeWorkspace {
        if let address = try postgres { return try PostgresHub.open(address: address) }
        return try TierSyncNode.open(path: db)
    }

    /// The people's accounts of the node or hub `--db` names, on either store.
    func openAccounts() throws -> any PeopleAccounts {
        if let address = try postgres { return try PostgresHub.open(address: address) }
        return try TierSyncNode.open(path: db)
    }

    /// The hub `--db` names, on either store, for commands that only read what a hub holds.
    func openHub() throws -> any SyncHub {
        if let address = try postgres { return try PostgresHub.open(address: address) }
        return try TierSyncNode.open(path: db)
    }
}
