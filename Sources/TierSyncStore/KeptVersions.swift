import GRDB
import TierSyncCore

/// Answers whether a logged change is still a version its field keeps (the shown one or a
/// conflict loser), reading each record once. A change that is not kept was superseded by an
/// edit made on top of it: export skips it and compaction may drop it, and a peer still
/// receives the latest version of every field.
public struct KeptVersions {
    private let db: Database
    private let tables: [String: SyncedTable]
    /// Records read so far; emptied when large, so compacting a hub's whole log stays in
    /// bounded memory (a record read again is merely read again).
    private var records: [RecordKey: StoredRecord?] = [:]
    private static let cacheLimit = 10_000

    init(db: Database, tables: [String: SyncedTable]) {
        self.db = db
        self.tables = tables
    }

    mutating func isKept(_ change: FieldChange) throws -> Bool {
        guard let table = tables[change.table],
            change.field == FieldChange.deletedField || table.field(named: change.field) != nil
        else { return try isKeptOpaque(change) }
        let key = RecordKey(table: change.table, id: change.record)
        if records[key] == nil {
            if records.count >= Self.cacheLimit { records.removeAll(keepingCapacity: true) }
            records[key] = try table.record(change.record, in: db)
        }
        return try Self.isKept(change, in: records[key] ?? nil) {
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT 1 FROM conflict WHERE tbl = ? AND record = ? AND field = ? AND node = ? AND hlc = ?
                        AND kind = 'concurrent' AND settled_hlc IS NULL
                        """),
                arguments: [
                    change.table, change.record.rawValue, change.field, change.node.rawValue, change.hlc.rawValue,
                ])
                ?? false
        }
    }

    /// Whether a change of a known field is still needed by a peer that has not received it,
    /// on any store: it is the version `record` shows, or one kept beside it as an open
    /// conflict (`isOpenConflict`, asked only of a record that kept one).
    public static func isKept(
        _ change: FieldChange, in record: StoredRecord?, isOpenConflict: () throws -> Bool
    ) rethrows -> Bool {
        guard let record else { return false }
        if record.version(of: change.field) == change.version { return true }
        guard !record.versions.seenElsewhere.entries.isEmpty else { return false }
        return try isOpenConflict()
    }

    /// A later release's change (its table or field unknown here) is kept while it is
    /// recorded as opaque: all of them are, for this release cannot tell which one supersedes
    /// which.
    private func isKeptOpaque(_ change: FieldChange) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT 1 FROM opaque_change WHERE tbl = ? AND record = ? AND field = ? AND node = ? AND hlc = ?"),
            arguments: [change.table, change.record.rawValue, change.field, change.node.rawValue, change.hlc.rawValue])
            ?? false
    }
}
