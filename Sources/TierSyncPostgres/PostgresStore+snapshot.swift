import TierSyncCore
import TierSyncStore

/// Reading records whole for a snapshot, as a SQLite node does (`NodeStore.forEachRecord`):
/// what a new child bootstraps from.
extension PostgresStore {
    /// Streams the records of the subtree at org path `path`, and those shared down to it,
    /// that come after `key`, at most `limit`: table by table in name order, by id within a
    /// table, each with the versions it keeps beside the shown ones. Reads in the session's
    /// transaction.
    ///
    /// - Returns: the key of the last record sent when the page is full; nil when the
    ///   subtree has no more records.
    func forEachRecord(
        within path: String, after key: RecordSnapshot.Key?, limit: Int, session: PostgresSession,
        _ body: (RecordSnapshot) throws -> Void
    ) throws -> RecordSnapshot.Key? {
        try withoutActuallyEscaping(body) { body in
            try SnapshotPage.walk(tables, after: key, limit: limit) { table, after, remaining, counted in
                try records(of: table, within: path, after: after, limit: remaining, session: session) { record in
                    try body(record)
                    try counted(record)
                }
            }
        }
    }

    /// The records of `table` that a unit at `path` receives, after the id `after`, at most
    /// `limit`, by id.
    func records(
        of table: SyncedTable, within path: String, after: String, limit remaining: Int, session: PostgresSession,
        _ body: (RecordSnapshot) throws -> Void
    ) throws {
        let (scope, values) = scopeFilter(table, path, from: 2)
        let rows = try session.query(
            "SELECT \(PostgresMergeStorage.columns(table)) FROM \(table.name) WHERE id > $1 COLLATE \"C\""
                + " AND (\(scope)) ORDER BY id COLLATE \"C\" LIMIT \(remaining)",
            [.text(after)] + values)
        let storage = PostgresMergeStorage(session: session)
        for row in rows {
            let stored = try PostgresMergeStorage.record(table, row)
            var record = RecordSnapshot(
                table: table.name, id: stored.id, org: stored.org, created: stored.created,
                updated: stored.updated, deleted: stored.deleted, versions: stored.versions.encoded,
                fields: table.fields.compactMap { field in
                    stored.fields[field.name].flatMap { $0.isNull ? nil : .init(field.name, $0) }
                })
            // Only a record that kept a loser, or was deleted, can have kept versions.
            if record.deleted || record.versions.hasPrefix("@") {
                record.kept = try storage.openConflicts(table: table.name, record: stored.id, field: nil)
                    .compactMap { row in
                        row.versioned.map {
                            RecordSnapshot.Kept(
                                kind: row.kind.rawValue, field: row.field, versioned: $0,
                                needsReview: row.needsReview, detectedAt: row.detectedAt)
                        }
                    }
            }
            try body(record)
        }
    }

    /// How many records the subtree at `path` holds with those shared down to it, deleted
    /// ones included (they travel too, as tombstones).
    func recordCount(within path: String, session: PostgresSession) throws -> Int {
        try tables.values.reduce(0) { count, table in
            let (scope, values) = scopeFilter(table, path, from: 1)
            return count
                + Int(
                    try session.query("SELECT count(*) FROM \(table.name) WHERE \(scope)", values).first?
                        .decode(Int64.self) ?? 0)
        }
    }

    /// SQL over `table`'s rows for the records a unit at `path` receives (`NodeStore`'s
    /// subtree and `sharedDown` filters), its parameters numbered from `$first`.
    func scopeFilter(_ table: SyncedTable, _ path: String, from first: Int) -> (String, [FieldValue]) {
        var (subtree, values) = Self.ownedInSubtree(of: path, from: first)
        func next(_ value: String) -> String {
            values.append(.text(value))
            return "$\(first + values.count - 1)"
        }
        let ancestors = path.split(separator: "/").dropLast()
        let above = "/" + ancestors.joined(separator: "/") + "/"
        let parent = ancestors.last.map(String.init) ?? ""
        func shared(_ alias: String) -> String {
            "((\(alias).share = 'subtree' AND strpos(\(next(above)), '/' || \(alias).org || '/') > 0)"
                + " OR (\(alias).share = 'children' AND \(alias).org = \(next(parent))))"
        }
        var clauses = [subtree]
        if table.field(named: "share") != nil {
            clauses.append(shared(table.name))
        } else if table.name == "attachment" {
            // An attachment goes where its record goes.
            for name in tables.values.filter({ $0.field(named: "share") != nil }).map(\.name).sorted() {
                clauses.append(
                    "(attachment.record_kind = '\(name)' AND EXISTS (SELECT 1 FROM \(name) r WHERE r.id = attachment.record_id AND \(shared("r"))))"
                )
            }
        }
        return (clauses.joined(separator: " OR "), values)
    }

    /// The changes of a later release kept opaque here, in log order.
    func opaqueChanges(_ session: PostgresSession) throws -> [FieldChange] {
        try session.query(
            """
            SELECT l.seq, l.tbl, l.record, l.org, l.field, l.value, l.hlc, l.node, l.vv FROM change_log l
            JOIN opaque_change o ON o.tbl = l.tbl AND o.record = l.record AND o.field = l.field
                AND o.node = l.node AND o.hlc = l.hlc
            ORDER BY l.seq
            """
        ).map { try Self.logEntry($0).change }
    }
}
