import TierSyncCore

/// The walk of one snapshot page, whatever stores the records: tables in name order from
/// the key the previous page ended at, at most `limit` records in all.
///
/// ```swift
/// let next = try SnapshotPage.walk(tables, after: key, limit: 500) { table, afterID, remaining, emit in
///     for record in try read(table, after: afterID, limit: remaining) { try emit(record) }
/// }
/// ```
public enum SnapshotPage {
    /// Calls `read` for each table the page reaches, with the id to start after and how many
    /// records it may still take; `read` hands each record, in id order, to the closure it
    /// is given.
    ///
    /// - Returns: the key of the last record when the page is full (more may follow); nil
    ///   when the tables have no more records.
    public static func walk(
        _ tables: [String: SyncedTable], after key: RecordSnapshot.Key?, limit: Int,
        _ read: (SyncedTable, String, Int, (RecordSnapshot) throws -> Void) throws -> Void
    ) throws -> RecordSnapshot.Key? {
        var remaining = limit
        var last: RecordSnapshot.Key?
        for table in tables.values.sorted(by: { $0.name < $1.name }) {
            if let key, table.name < key.table { continue }
            try read(table, key?.table == table.name ? key!.id : "", remaining) { record in
                remaining -= 1
                last = record.key
            }
            if remaining == 0 { return last }
        }
        return nil
    }
}
