import GRDB
import TierSyncCore

/// An epoch of this node's log: one row of `log_epoch`. Log positions are comparable only
/// within one epoch; a new epoch starts in a backup's copy and at a restore, so that peers
/// holding cursors into the log see that positions after `sinceSeq` may mean other changes.
///
/// ```swift
/// let epoch = try LogEpoch.current(db)   // e.g. 3f9a0c2e7b1d4456, since 1,204
/// ```
public struct LogEpoch: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "log_epoch"

    public var n: Int64?
    /// Random, 16 hex digits.
    public var id: String
    /// The log's last position when the epoch began: positions up to it are shared with the
    /// epoch before.
    public var sinceSeq: Int64
    public var startedAt: String
    /// `created`, `backup` or `restore`.
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case n, id, sinceSeq = "since_seq", startedAt = "started_at", reason
    }

    /// The epoch the log is in now: the last one begun.
    public static func current(_ db: Database) throws -> LogEpoch {
        guard let epoch = try LogEpoch.order(Column("n").desc).fetchOne(db) else {
            throw StoreError.corruptRow(table: databaseTableName, id: "current")
        }
        return epoch
    }

    /// Begins a new epoch at the log's last position.
    @discardableResult
    static func begin(_ db: Database, reason: String, at milliseconds: Int64) throws -> LogEpoch {
        var random = SystemRandomNumberGenerator()
        let since = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM change_log_row") ?? 0
        var epoch = LogEpoch(
            id: NodeID.random(using: &random).rawValue, sinceSeq: since,
            startedAt: ISOTimestamp.format(milliseconds: milliseconds), reason: reason)
        try epoch.insert(db)
        epoch.n = db.lastInsertedRowID
        return epoch
    }
}
