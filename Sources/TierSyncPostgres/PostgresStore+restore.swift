import Logging
import TierSyncCore
import TierSyncStore

/// Making a hub's database a working hub again after it was restored from a dump
/// (`pg_restore`), as `NodeStore.restore` does for a SQLite file: a new node id, so that new
/// edits never reuse versions the other levels already have; a new log epoch, so that its
/// children send again what the dump lacks and pull again from where its log restarts; and a
/// bootstrap from its parent at the next sync, which may hold what the dump lacks.
extension PostgresStore {
    /// Restores the hub at `address` in place, in one transaction holding the writer lock.
    ///
    /// - Throws: `PostgresStoreError` when another connection uses the database (a running
    ///   `tiersync serve`, which keeps the old node id in memory), or it holds no hub.
    /// - Returns: the node id the dump had, and the new one.
    public static func restore(
        address: PostgresAddress, newNodeID: NodeID, wallClock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "tiersync.postgres")
    ) throws -> (old: NodeID, new: NodeID) {
        let session = try PostgresSession.connect(address, logger: logger)
        defer { try? session.close() }
        try requireUnused(session, address)
        return try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(writerLock)])
            guard let row = try session.query("SELECT id, org FROM node").first else {
                throw PostgresStoreError.notInitialized(address: address.description)
            }
            let (id, org) = try row.decode((String, String).self)
            guard let old = NodeID(id) else { throw PostgresStoreError.corrupt("node id \(id)") }
            // The old id stays known: its changes are in the log and at the other levels.
            try session.query(
                "INSERT INTO peer_node (id, org) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET org = excluded.org",
                [.text(id), .text(org)])
            try session.query("UPDATE node SET id = $1", [.text(newNodeID.rawValue)])
            var random = SystemRandomNumberGenerator()
            try session.query(
                """
                INSERT INTO log_epoch (id, since_seq, started_at, reason)
                VALUES ($1, (SELECT coalesce(max(seq), 0) FROM change_log), $2, 'restore')
                """,
                [
                    .text(NodeID.random(using: &random).rawValue),
                    .text(ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())),
                ])
            // Bootstrap from the parent again: it may hold what the dump lacks.
            try session.query(
                """
                UPDATE peer_cursor SET received_seq = 0, snapshot_position = NULL, snapshot_after = NULL, epoch = NULL
                WHERE org = (SELECT org FROM parent_link)
                """)
            try session.query("UPDATE parent_link SET last_sync = NULL")
            // Browser sessions in the dump may since have been signed out or their accounts
            // disabled: everyone signs in again.
            try session.query("DELETE FROM web_session")
            return (old, newNodeID)
        }
    }
}

extension PostgresStore {
    /// Refuses while another connection uses the database at `address` (a running `tiersync
    /// serve`, which keeps the hub's node id in memory).
    static func requireUnused(_ address: PostgresAddress, logger: Logger) throws {
        let session = try PostgresSession.connect(address, logger: logger)
        defer { try? session.close() }
        try requireUnused(session, address)
    }

    static func requireUnused(_ session: PostgresSession, _ address: PostgresAddress) throws {
        let others =
            try session.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).first?.decode(Int64.self) ?? 0
        guard others == 0 else {
            throw PostgresStoreError.inUse(address: address.description, connections: Int(others))
        }
    }
}
