import Foundation
import GRDB
import Logging
import TierSyncCore

/// Backups of a node's file, taken while it serves, and restores from them.
extension NodeStore {
    /// Copies the database to `path` while the node keeps serving: SQLite's online backup
    /// reads one consistent state (in WAL mode, writers go on meanwhile). The copy begins a
    /// log epoch of its own, so that a node restored from it announces that its log may be
    /// behind what its peers saw. `path` is replaced only once the copy is whole and checked.
    ///
    /// ```swift
    /// let epoch = try store.backup(to: "/mnt/usb/county-2026-12-05.db")
    /// ```
    @discardableResult
    public func backup(to path: String) throws -> LogEpoch {
        let target = URL(fileURLWithPath: path).standardizedFileURL
        guard target != URL(fileURLWithPath: self.path).standardizedFileURL else {
            throw StoreError.cannotCopy(path: path, reason: "it is the node's own file; choose another")
        }
        let partial = target.path + ".partial"
        Self.removeDatabaseFiles(at: partial)
        do {
            let copy = try DatabaseQueue(path: partial)
            try translatingSQLiteErrors { try queue.backup(to: copy) }
            let epoch = try copy.write { db in
                try LogEpoch.begin(db, reason: "backup", at: wallClock.nowMilliseconds())
            }
            let check = try copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            try copy.close()
            guard check == "ok" else { throw StoreError.cannotCopy(path: path, reason: "the copy failed its check") }
            Self.removeDatabaseFiles(at: target.path)
            try FileManager.default.moveItem(atPath: partial, toPath: target.path)
            logger.info("backed up", metadata: ["to": "\(target.path)", "epoch": "\(epoch.id)"])
            return epoch
        } catch {
            Self.removeDatabaseFiles(at: partial)
            throw error
        }
    }

    /// Makes `path` a working node again from the backup at `backup`, with a new node id.
    ///
    /// Edits the node made after the backup may have reached its parent under the old id: a
    /// new id keeps every later edit from reusing one of their versions. A new log epoch
    /// tells the node's children that its log restarts at the backup's end, and the next sync
    /// copies back from the parent whatever the backup lacks (a bootstrap, merged field by
    /// field with what is here).
    ///
    /// - Throws: `StoreError.locked` when another process has `path` open (stop it first).
    public static func restore(
        from backup: String, to path: String, newNodeID: NodeID, wallClock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "tiersync.store")
    ) throws -> (old: NodeID, epoch: LogEpoch) {
        guard case .tierSync(.some) = try DatabaseFileCheck.inspect(path: backup) else {
            throw StoreError.notInitialized(path: backup)
        }
        if FileManager.default.fileExists(atPath: path) { try requireUnused(path) }
        let partial = path + ".restoring"
        removeDatabaseFiles(at: partial)
        do {
            try FileManager.default.copyItem(atPath: backup, toPath: partial)
            let queue = try openQueue(path: partial, logger: logger)
            let result = try queue.write { db in
                let identity = try NodeIdentity.fetchOne(db)!
                // The old id stays known (its changes are in the log and at the parent).
                try PeerDirectory.store(identity.id, org: identity.org, in: db)
                try db.execute(sql: "UPDATE node SET id = ?", arguments: [newNodeID.rawValue])
                let epoch = try LogEpoch.begin(db, reason: "restore", at: wallClock.nowMilliseconds())
                // Bootstrap from the parent again: it may hold what the backup lacks.
                try db.execute(
                    sql: """
                        UPDATE peer_cursor SET received_seq = 0, snapshot_position = NULL, snapshot_after = NULL,
                            epoch = NULL
                        WHERE org = (SELECT org FROM parent_link)
                        """)
                try db.execute(sql: "UPDATE parent_link SET last_sync = NULL")
                // Browser sessions in the backup may since have been signed out or their
                // accounts disabled: everyone signs in again.
                try db.execute(sql: "DELETE FROM web_session")
                return (identity.id, epoch)
            }
            try queue.close()
            removeDatabaseFiles(at: path)
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            logger.info(
                "restored", metadata: ["from": "\(backup)", "to": "\(path)", "node": "\(newNodeID)"])
            return result
        } catch {
            removeDatabaseFiles(at: partial)
            throw error
        }
    }

    /// Refuses a file another process has open for writing (a running `tiersync serve`).
    static func requireUnused(_ path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        do {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                try db.execute(sql: "ROLLBACK")
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw StoreError.locked(path: path, waited: 1)
        }
    }

    /// Removes a database file with its WAL and shared-memory files.
    static func removeDatabaseFiles(at path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
