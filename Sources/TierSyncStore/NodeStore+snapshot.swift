import GRDB
import TierSyncCore

/// Reading records whole for a snapshot: what a new node bootstraps from instead of the
/// log's history.
extension NodeStore {
    /// Streams the records of the subtree at org path `path` that come after `key`, at most
    /// `limit`, table by table in name order and by id within a table, each with the versions
    /// it keeps beside the shown ones. Reads in `db`, so that a caller can take the log
    /// position in the same read transaction.
    ///
    /// - Returns: the key of the last record sent when the page is full (more may follow);
    ///   nil when the subtree has no more records.
    public func forEachRecord(
        within path: String, after key: RecordSnapshot.Key?, limit: Int, db: Database,
        _ body: (RecordSnapshot) throws -> Void
    ) throws -> RecordSnapshot.Key? {
        try withoutActuallyEscaping(body) { body in
            try SnapshotPage.walk(tables, after: key, limit: limit) { table, after, remaining, counted in
                try forEachRecord(of: table, within: path, after: after, limit: remaining, db: db) { record in
                    try body(record)
                    try counted(record)
                }
            }
        }
    }

    /// How many records the subtree at org path `path` holds, deleted ones included (they
    /// travel too, as tombstones).
    public func recordCount(within path: String, db: Database) throws -> Int {
        try tables.values.reduce(0) { count, table in
            let (shared, sharedArguments) = sharedDown(table, to: path)
            return count
                + (try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM \(table.name) WHERE org IN \(OrgUnit.subtreeCodes)\(shared)",
                    arguments: OrgUnit.subtreeArguments(path) + sharedArguments)
                    ?? 0)
        }
    }

    /// SQL (` OR …`, over the table's own name) for the records of `table` that upper levels
    /// share down to the unit at `path`: those with `share` that reaches it, and the
    /// attachments of such records (an attachment goes where its record goes).
    func sharedDown(_ table: SyncedTable, to path: String) -> (String, StatementArguments) {
        if table.field(named: "share") != nil {
            return (" OR \(OrgUnit.sharedFilter(table.name))", OrgUnit.sharedArguments(path))
        }
        guard table.name == "attachment" else { return ("", []) }
        let shareable = tables.values.filter { $0.field(named: "share") != nil }.map(\.name).sorted()
        var clauses: [String] = []
        var arguments: StatementArguments = []
        for name in shareable {
            clauses.append(
                "(attachment.record_kind = '\(name)' AND EXISTS (SELECT 1 FROM \(name) r WHERE r.id = attachment.record_id AND \(OrgUnit.sharedFilter("r"))))"
            )
            arguments += OrgUnit.sharedArguments(path)
        }
        return clauses.isEmpty ? ("", []) : (" OR " + clauses.joined(separator: " OR "), arguments)
    }

    private func forEachRecord(
        of table: SyncedTable, within path: String, after id: String, limit: Int, db: Database,
        _ body: (RecordSnapshot) throws -> Void
    ) throws {
        // `+org` keeps SQLite on the primary key: walking ids in order, rather than sorting the
        // subtree's rows by id for every page.
        // A table with `share` also sends what upper levels share down to the subtree.
        let (shared, sharedArguments) = sharedDown(table, to: path)
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql:
                    "SELECT * FROM \(table.name) WHERE id > ? AND (+org IN \(OrgUnit.subtreeCodes)\(shared)) ORDER BY id LIMIT ?"
            ),
            arguments: [id] + OrgUnit.subtreeArguments(path) + sharedArguments + [limit])
        let first = SyncedTable.bookkeepingColumns.count
        while let row = try rows.next() {
            let idText: String = row[0]
            guard let id = RecordID(idText) else { throw StoreError.corruptRow(table: table.name, id: idText) }
            var fields: [RecordSnapshot.Field] = []
            fields.reserveCapacity(table.fields.count)
            for (offset, field) in table.fields.enumerated() {
                if let value = FieldValue.fromDatabaseValue(row[first + offset]), !value.isNull {
                    fields.append(.init(field.name, value))
                }
            }
            var record = RecordSnapshot(
                table: table.name, id: id, org: row[1], created: HLCTimestamp(rawValue: row[2]),
                updated: HLCTimestamp(rawValue: row[3]), deleted: (row[4] as Int64) != 0, versions: row[5],
                fields: fields)
            // Only a record that kept a loser (its versions note it on an `@` line) or that was
            // deleted (edits made without seeing the delete) can have kept versions.
            if record.deleted || record.versions.hasPrefix("@") { record.kept = try kept(of: record, db: db) }
            try body(record)
        }
    }

    private func kept(of record: RecordSnapshot, db: Database) throws -> [RecordSnapshot.Kept] {
        try ConflictRow.kept(db, table: record.table, record: record.id).compactMap { row in
            row.versioned.map {
                RecordSnapshot.Kept(
                    kind: row.kind.rawValue, field: row.field, versioned: $0, needsReview: row.needsReview,
                    detectedAt: row.detectedAt)
            }
        }
    }
}
