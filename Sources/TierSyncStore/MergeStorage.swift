import TierSyncCore

/// What merging remote changes reads and writes: the one seam between the merge
/// (`RemoteMerge`: ranking, conflicts, approval locks, deletions) and a database, so that
/// every backend merges with the same code and the conformance tests compare backends, not
/// two merges.
///
/// Every call happens inside the caller's transaction; a storage never commits.
///
/// ```swift
/// var merge = RemoteMerge(storage: SQLiteMergeStorage(db: db), node: node, tables: tables,
///                         policies: policies, clock: clock, wallClock: wallClock)
/// let report = try merge.apply(changes, nodes: senders, directory: directory)
/// ```
public protocol MergeStorage {
    /// The record, deleted or not; nil when there is none.
    func record(_ table: SyncedTable, id: RecordID) throws -> StoredRecord?
    /// The open conflict rows of a record, of one field when `field` is given, oldest first.
    func openConflicts(table: String, record: RecordID, field: String?) throws -> [ConflictRow]
    func insertConflict(_ row: ConflictRow) throws
    /// Closes a conflict row: a version made on top of its loser ended it.
    func settleConflict(id: Int64, by version: FieldVersion, how: String) throws
    /// Removes a conflict row whose loser is shown now.
    func removeConflict(id: Int64) throws
    /// Sets whether an open conflict row asks for a person's review (the record's approval changed).
    func setNeedsReview(id: Int64, _ needsReview: Bool) throws
    /// Writes a record's state: an insert when it was not stored yet, else an update.
    func write(_ state: RecordState) throws
    /// Appends changes to the log, in order, each with a number of its own. Consecutive
    /// changes of one write may share a row; a change passed alone keeps a row of its own.
    func log(_ changes: [FieldChange]) throws
    /// Keeps a change of a table or field this release does not know; false when kept already.
    func keepOpaque(_ change: FieldChange) throws -> Bool
    /// Persists a stamp observed from another node, so that later local stamps order after it.
    func observe(_ stamp: HLCTimestamp) throws
    /// Remembers the org of a node whose changes arrived.
    func registerNode(_ node: NodeID, org: String) throws
}
