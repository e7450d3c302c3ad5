import TierSyncCore
import TierSyncDomain
import TierSyncStore

extension PostgresHub {
    /// The open conflicts a person reviews here, oldest first, as `tiersync conflicts list`
    /// shows them for a SQLite node (`ConflictView.review`), read in one snapshot; with
    /// `includeSettled`, the settled history too.
    ///
    /// They are settled here (`resolveConflict`) or on the nodes below, and a settlement
    /// reaches every node like any edit.
    public func conflicts(includeSettled: Bool = false) throws -> [ConflictView] {
        try store.read { session in
            let directory = try store.directory(session)
            let storage = PostgresMergeStorage(session: session)
            let rows = try store.openConflicts(session, includeSettled: includeSettled)
            // The records in a few queries, not one per conflict (a province keeps thousands).
            try storage.prefetch(rows.map { ($0.tbl, $0.record) }, tables: store.tables)
            return try rows.compactMap { row in
                guard let table = store.tables[row.tbl], let id = RecordID(row.record),
                    let record = try storage.record(table, id: id)
                else { return nil }
                return ConflictView.review(row, record: record, directory: directory)
            }
        }
    }

    /// Every org unit's name by its code, for listings.
    public func orgNames() throws -> [String: String] {
        try store.withSession { session in
            Dictionary(
                try session.query("SELECT code, name FROM org_unit").map { try $0.decode((String, String).self) }
            ) { first, _ in first }
        }
    }
}
