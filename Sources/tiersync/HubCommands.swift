import ArgumentParser
import Foundation
import Logging
import TierSyncClient
import TierSyncDomain
import TierSyncHub
import TierSyncPostgres
import TierSyncStore
import TierSyncWorkbench

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Serve this node's site (the staff's web pages, and protocol v1 for its children), and sync with its parent in the background."
    )

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free port.", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("Seconds between syncs with the parent, when the node has one.", valueName: "seconds"))
    var syncInterval: Double = 30
    @Option(help: ArgumentHelp("Minutes a browser session lives without a request.", valueName: "minutes"))
    var sessionIdleMinutes: Double = 120
    @Option(
        help: ArgumentHelp(
            "Seconds a request to the parent may take before the upward sync gives it up and retries.",
            valueName: "seconds"))
    var syncTimeout: Double = 30
    @Option(help: ArgumentHelp("The largest file a child may send, in MB.", valueName: "MB"))
    var maxFileMb: Int = TierSyncNode.FileLimits().maxFileBytes >> 20
    @Option(help: ArgumentHelp("The most a child may send in files in all, in MB.", valueName: "MB"))
    var maxChildMb: Int = TierSyncNode.FileLimits().maxChildBytes >> 20

    func run() async throws {
        guard let address = HubService.Address(parsing: listen) else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080")
        }
        guard syncInterval > 0 else { throw ValidationError("--sync-interval must be a number of seconds above 0") }
        guard sessionIdleMinutes > 0 else { throw ValidationError("--session-idle-minutes must be above 0") }
        guard syncTimeout > 0 else { throw ValidationError("--sync-timeout must be a number of seconds above 0") }
        guard (1...(1 << 20)).contains(maxFileMb), (1...(1 << 30)).contains(maxChildMb) else {
            throw ValidationError("--max-file-mb and --max-child-mb must be whole numbers of MB from 1")
        }
        let logger = Logger(label: "tiersync.hub")
        // A file or a PostgreSQL database: the same site, protocol v1 and pages, over either.
        // Several processes may serve one database; one at a time syncs with the parent.
        let node: any WorkbenchNode =
            try self.node.postgres.map { try PostgresHub.open(address: $0) } ?? TierSyncNode.open(path: self.node.db)
        let upward = try UpwardSync.services(for: node, interval: syncInterval, logger: logger, timeout: syncTimeout)
        let site = Site(
            node: node, idleLimit: Int64(sessionIdleMinutes * 60_000), logger: logger,
            fileLimits: .init(maxFileBytes: maxFileMb << 20, maxChildBytes: maxChildMb << 20))
        let store = try self.node.postgres.map { ", store \($0)" } ?? ""
        let app = site.application(host: address.host, port: address.port, services: upward) { bound in
            Output.line(
                "listening on http://\(address.host):\(bound) for node \(node.hubNode) (\(node.hubOrg.code) \(node.hubOrg.name))\(store)"
            )
        }
        try await app.runService()
    }
}

struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll", abstract: "Issue a one-time enrollment code for a child org (expiring, usable once).")

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("The child org's code.", valueName: "code")) var org: String
    @Option(help: "Hours the code stays valid.") var hours: Double = 72
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard hours > 0, hours <= 24 * 30 else { throw ValidationError("--hours must be above 0, at most 720") }
        let issued =
            try node.postgres.map { try PostgresHub.open(address: $0).issueEnrollment(for: org, hours: hours) }
            ?? TierSyncNode.open(path: node.db).issueEnrollment(for: org, hours: hours)
        if json {
            try Output.json(issued)
        } else {
            Output.line("enrollment code for \(issued.org): \(issued.code) (valid until \(issued.expiresAt))")
        }
    }
}

struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join", abstract: "Create this node by enrolling with a parent hub, then pull its scope.")

    @Option(
        help: ArgumentHelp(
            "The new node's SQLite file (must not exist); for a hub on PostgreSQL, the postgresql:// URL of an empty database.",
            valueName: "file"))
    var db: String
    @Option(help: ArgumentHelp("The parent hub's URL.", valueName: "url")) var parent: String
    @Option(help: ArgumentHelp("The enrollment code the parent issued.", valueName: "code")) var code: String

    func run() async throws {
        guard let url = URL(string: parent), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--parent must be an http:// or https:// URL")
        }
        let bar = ProgressBar()
        let joined: any SyncChild
        let summary: SyncSession.Summary
        do {
            if PostgresAddress.isAddress(db) {
                let address = try PostgresAddress(parsing: db)
                try PostgresStore.requireNew(address: address)  // before the code is spent
                (joined, summary) = try await Enrollment.join(parent: url, code: code, progress: bar.update) {
                    try PostgresHub.create(address: address, org: $1, nodeID: $0)
                }
            } else {
                (joined, summary) = try await Enrollment.join(path: db, parent: url, code: code, progress: bar.update)
            }
            bar.finish()
        } catch {
            bar.finish()
            throw error
        }
        Output.line(
            "joined \(parent) as node \(joined.childNode) for \(joined.childOrg.code) \(joined.childOrg.name); copied \(summary.copied) records, pulled \(summary.pulled) changes"
        )
    }
}

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push and pull with the parent hub until both are empty; exits 0 only when fully in sync.")

    @OptionGroup var node: NodeOptions
    @Option(
        help: ArgumentHelp(
            "Seconds a request to the parent may take (a page, or a chunk of a file).", valueName: "seconds"))
    var timeout: Double = 30
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a number of seconds above 0") }
        let bar = ProgressBar()
        let summary: SyncSession.Summary
        do {
            let child: any SyncChild =
                try node.postgres.map { try PostgresHub.open(address: $0) }
                ?? TierSyncNode.open(path: node.db)
            // A hub's `serve` may be syncing it now: this sync follows that one, reading the
            // parent link as that one left it.
            guard
                let done = try await child.syncingAlone(
                    wait: true,
                    {
                        try await SyncSession(node: child, transport: URLSessionTransport(timeout: timeout))
                            .run(progress: bar.update)
                    })
            else { throw ValidationError("the sync with the parent did not run; try again") }
            summary = done
            bar.finish()
        } catch {
            bar.finish()
            throw error
        }
        if json { return try Output.json(summary) }
        Output.line(
            "pushed \(summary.pushed), pulled \(summary.pulled)"
                + (summary.copied > 0 ? ", copied \(summary.copied) records" : "")
                + ", conflicts \(summary.conflicts), refused \(summary.refused.count)"
        )
        for refusal in summary.refused { Output.line("refused: \(refusal)") }
        if summary.filesSent + summary.filesFetched + summary.fileProblems.count > 0 {
            Output.line(
                "files: sent \(summary.filesSent), fetched \(summary.filesFetched) (\(summary.fileBytes) bytes), not moved \(summary.fileProblems.count)"
            )
        }
        for problem in summary.fileProblems { Output.line("not moved: \(problem)") }
        // Files left behind (over a hub's limit) mean this node is not fully in sync.
        if !summary.fileProblems.isEmpty { throw ExitCode(1) }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "The parent, the last successful sync, changes waiting, open conflicts.")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let status =
            try node.postgres.map { address in
                let hub = try PostgresHub.open(address: address)
                return try hub.syncStatus(openConflicts: try hub.conflicts().count)  // as `conflicts list`
            } ?? TierSyncNode.open(path: node.db).syncStatus()
        if json { return try Output.json(status) }
        Output.line("node:           \(status.node) (\(status.org))")
        Output.line("parent:         \(status.parent ?? "none")")
        Output.line("last sync:      \(status.lastSync ?? "never")")
        if let error = status.lastError { Output.line("last error:     \(error)") }
        Output.line("waiting:        \(status.waiting) change\(status.waiting == 1 ? "" : "s") to push")
        Output.line("open conflicts: \(status.openConflicts)")
        if let offset = status.clockOffset {
            Output.line(
                offset.isWrong
                    ? "clock:          WRONG, \(offset.english): set this computer's date and time (changes stamped over a day ahead are refused)"
                    : "clock:          ok (\(offset.english))")
        }
    }
}

struct NodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "Children enrolled here: last contact, changes waiting for them, open conflicts in their subtree.")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let children =
            try node.postgres.map { try PostgresHub.open(address: $0).childHealth() }
            ?? TierSyncNode.open(path: node.db).childHealth()
        if json { return try Output.json(children) }
        Output.table(
            ["node", "org", "enrolled", "last contact", "state", "waiting for it", "open conflicts"],
            children.map {
                [
                    $0.node, "\($0.org) \($0.orgName)", $0.enrolledAt, $0.lastContact ?? "never",
                    $0.revokedAt.map { "revoked \($0)" } ?? "active", String($0.waitingForChild),
                    String($0.openConflicts),
                ]
            })
    }
}

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a child node's credential.")

    @OptionGroup var node: NodeOptions
    @Argument(help: "The child node's id.") var child: String

    func run() throws {
        if let address = try node.postgres {
            try PostgresHub.open(address: address).revoke(node: child)
        } else {
            try TierSyncNode.open(path: node.db).revoke(node: child)
        }
        Output.line("revoked node \(child)")
    }
}
