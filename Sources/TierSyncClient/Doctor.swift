import Foundation
import GRDB
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// The checks `tiersync doctor` runs on a node, each with what to do when it fails: the
/// file's integrity and schema, free disk space (for a hub on PostgreSQL, the server
/// instead), whether the parent answers, and the clock against the parent's.
///
/// ```swift
/// for finding in await Doctor(path: "town.db").examine() { print(finding.check, finding.state) }
/// ```
public struct Doctor: Sendable {
    public enum State: String, Codable, Sendable { case ok, warning, problem }

    public struct Finding: Codable, Sendable, Equatable {
        public let check: String
        public let state: State
        public let detail: String
        /// What to do, when the state is not ok.
        public let fix: String?
    }

    let path: String
    let transport: any SyncTransport

    public init(path: String, transport: any SyncTransport = URLSessionTransport()) {
        self.path = path
        self.transport = transport
    }

    /// Below this much free space a write may fail; below twice the database, a backup will.
    static let lowDisk: Int64 = 1 << 30
    static let fullDisk: Int64 = 100 << 20

    public func examine() async -> [Finding] {
        let node: TierSyncNode
        do {
            node = try TierSyncNode.open(path: path)
        } catch {
            return [Finding(check: "file", state: .problem, detail: "\(error)", fix: Self.fileFix(error))]
        }
        var findings = [integrity(node), schema(node), disk()]
        findings += await parentAndClock(node)
        return findings
    }

    /// The checks of a hub on PostgreSQL: that `open` reaches the server and the hub's
    /// database (`server` says what it found: the version, the database's size), then the
    /// parent and the clock as on any node. Integrity and disk are the server's to watch.
    public func examine(postgres open: () throws -> (hub: any SyncChild, server: String)) async -> [Finding] {
        let opened: (hub: any SyncChild, server: String)
        do {
            opened = try open()
        } catch {
            return [
                Finding(
                    check: "server", state: .problem, detail: "\(error)",
                    fix:
                        "check the URL (user, host, port, database), that the PostgreSQL server runs and takes connections from here, and that `tiersync init` or `join` made the hub in that database"
                )
            ]
        }
        return [Finding(check: "server", state: .ok, detail: opened.server, fix: nil)]
            + (await parentAndClock(opened.hub))
    }

    func integrity(_ node: TierSyncNode) -> Finding {
        let result = (try? node.store.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }) ?? []
        guard result == ["ok"] else {
            return Finding(
                check: "integrity", state: .problem, detail: result.prefix(3).joined(separator: "; "),
                fix:
                    "stop the node and put back the last good backup with `tiersync restore --db \(path) --from BACKUP`"
            )
        }
        return Finding(check: "integrity", state: .ok, detail: "SQLite's integrity check passes", fix: nil)
    }

    func schema(_ node: TierSyncNode) -> Finding {
        let applied =
            (try? node.store.read { db in try String.fetchOne(db, sql: "SELECT max(identifier) FROM grdb_migrations") })
            ?? nil
        return Finding(
            check: "schema", state: .ok, detail: "schema \(applied ?? "unknown"), as this tiersync writes it", fix: nil)
    }

    func disk() -> Finding {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let free =
            ((try? FileManager.default.attributesOfFileSystem(forPath: directory))?[.systemFreeSize] as? NSNumber)?
            .int64Value ?? 0
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        let detail = "\(free >> 20) MB free beside a \(size >> 20) MB database"
        if free < Self.fullDisk {
            return Finding(
                check: "disk", state: .problem, detail: detail,
                fix: "free space on the disk of \(directory): writes and syncs fail when it is full")
        }
        if free < max(Self.lowDisk, 2 * size) {
            return Finding(
                check: "disk", state: .warning, detail: detail,
                fix: "free space on the disk of \(directory) before it fills (a backup needs as much as the database)")
        }
        return Finding(check: "disk", state: .ok, detail: detail, fix: nil)
    }

    /// Whether the parent answers, how many changes wait to go up to it, and the clock
    /// against the parent's, for a node on either store.
    func parentAndClock(_ node: any SyncChild) async -> [Finding] {
        guard let link = try? node.parentLink(), let url = URL(string: link.url) else {
            let top = node.childOrg.parent == nil
            return [
                Finding(
                    check: "parent", state: top ? .ok : .warning,
                    detail: top ? "none: this node is the top of its tree" : "not joined to a parent yet",
                    fix: top ? nil : "join the parent with `tiersync join` (a code from the parent's administrator)")
            ]
        }
        let client = ParentClient(baseURL: url, credential: link.credential, transport: transport)
        let sentAt = node.wallClock.nowMilliseconds()
        let status: StatusResponse
        do {
            status = try await client.status()
        } catch {
            var findings = [
                Finding(
                    check: "parent", state: .problem, detail: "\(link.url) does not answer: \(error)",
                    fix: "check the network and that the parent's server runs; local changes stay queued meanwhile")
            ]
            if let offset = link.clockOffsetMs.map(ClockOffset.init(milliseconds:)) {
                findings.append(clock(offset, measured: "at the last contact"))
            }
            return findings
        }
        let receivedAt = node.wallClock.nowMilliseconds()
        let waiting = (try? node.syncStatus(openConflicts: 0).waiting) ?? 0
        var findings = [
            Finding(
                check: "parent", state: .ok,
                detail:
                    "\(link.url) (\(status.org)) answers in \(receivedAt - sentAt) ms; \(waiting) change(s) wait to go up",
                fix: nil)
        ]
        if let hubTime = status.hubTime {
            findings.append(
                clock(ClockOffset(sentAt: sentAt, receivedAt: receivedAt, hubTime: hubTime), measured: "just now"))
        }
        return findings
    }

    func clock(_ offset: ClockOffset, measured: String) -> Finding {
        Finding(
            check: "clock", state: offset.isWrong ? .problem : .ok, detail: "\(offset.english), measured \(measured)",
            fix: offset.isWrong
                ? "set this computer's date and time (automatic time, or by hand): edits are stamped with it, and those over a day ahead are refused"
                : nil)
    }

    static func fileFix(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("newer TierSync") {
            return "upgrade tiersync on this computer to the release that wrote the file"
        }
        if text.contains("locked") { return "close the other program using the file, then run doctor again" }
        return "check the path; if the file is damaged, put back the last good backup with `tiersync restore`"
    }
}
