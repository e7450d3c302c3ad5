import GRDB
import TierSyncCore

/// `MergeStorage` over a node's SQLite file, in the transaction of `db`. Every statement is
/// prepared once per connection and reused: this is the hot path of applying a push.
public struct SQLiteMergeStorage: MergeStorage {
    public let db: Database

    public init(db: Database) { self.db = db }

    public func record(_ table: SyncedTable, id: RecordID) throws -> StoredRecord? {
        try table.record(id, in: db)
    }

    public func openConflicts(table: String, record: RecordID, field: String?) throws -> [ConflictRow] {
        try ConflictRow.kept(db, table: table, record: record, field: field)
    }

    public func insertConflict(_ row: ConflictRow) throws { try row.insert(db) }

    public func settleConflict(id: Int64, by version: FieldVersion, how: String) throws {
        try ConflictRow.settle(db, id: id, by: version, how: how)
    }

    public func removeConflict(id: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM conflict WHERE id = ?").execute(arguments: [id])
    }

    public func setNeedsReview(id: Int64, _ needsReview: Bool) throws {
        try db.cachedStatement(sql: "UPDATE conflict SET needs_review = ? WHERE id = ?")
            .execute(arguments: [needsReview, id])
    }

    public func write(_ state: RecordState) throws {
        let fields = state.table.fields.map { state.values[$0.name] ?? .null }
        if state.stored {
            try db.cachedStatement(sql: state.table.updateAllSQL).execute(
                binding: [
                    .integer(state.created.rawValue), .integer(state.updated.rawValue),
                    .integer(state.deleted ? 1 : 0), .text(state.versions.encoded),
                ] + fields + [.text(state.id.rawValue)])
        } else {
            try db.cachedStatement(sql: state.table.insertSQL).execute(
                binding: [
                    .text(state.id.rawValue), .text(state.org), .integer(state.created.rawValue),
                    .integer(state.updated.rawValue), .integer(state.deleted ? 1 : 0), .text(state.versions.encoded),
                ] + fields)
        }
    }

    /// Logs changes received from peers in one multi-row `INSERT`, each value bound as it is
    /// read (an array of them all cost as much as the binding).
    ///
    /// Consecutive changes of one write (a peer's local write, sent field by field) go in one
    /// packed row, as they were logged where they were made (`logWrite`): a push of new
    /// records then costs a row a record instead of a row a field. A change kept opaque is
    /// passed alone (`RemoteMerge`), so its row holds it alone and is found by it.
    public func log(_ changes: [FieldChange]) throws {
        guard !changes.isEmpty else { return }
        // Where each write's run of changes ends: the statement needs their count first.
        var ends: [Int] = []
        for index in changes.indices.dropFirst() where !changes[index].isSameWrite(as: changes[index - 1]) {
            ends.append(index)
        }
        ends.append(changes.endIndex)
        // Each row's `seq` is its last entry's number: counted on from the log's end.
        let last = try Int64.fetchOne(db.cachedStatement(sql: NodeStore.lastSequenceSQL)) ?? 0
        let statement = try db.cachedStatement(sql: Self.logInsertSQL(rows: ends.count))
        statement.clearBindings()
        var vectors = VectorText()
        var index: Int32 = 0
        var start = changes.startIndex
        for end in ends {
            let write = changes[start]
            try statement.bind(.integer(last + Int64(end)), at: index + 1)
            try statement.bind(.integer(Int64(end - start)), at: index + 2)
            try statement.bind(.text(write.table), at: index + 3)
            try statement.bind(.text(write.record.rawValue), at: index + 4)
            try statement.bind(.text(write.org), at: index + 5)
            try statement.bind(.text(write.field), at: index + 6)
            try statement.bind(write.value, at: index + 7)
            try statement.bind(.integer(write.hlc.rawValue), at: index + 8)
            try statement.bind(.text(write.node.rawValue), at: index + 9)
            try statement.bind(.text(vectors.text(of: write.versionVector)), at: index + 10)
            try statement.bind(Self.more(changes[start..<end]), at: index + 11)
            index += 11
            start = end
        }
        try statement.execute()
    }

    /// The changes of one write, which differ only in field and value, as one packed row
    /// (`Schema/0016_packed_log.sql`): its last entry's number is the log's end plus their
    /// count, so each keeps a number of its own. Writing a row per field, each repeating what
    /// they share, was most of a local write's cost.
    func logWrite(_ changes: [FieldChange]) throws {
        guard let first = changes.first else { return }
        guard changes.allSatisfy({ $0.isSameWrite(as: first) }) else { return try log(changes) }
        try db.cachedStatement(sql: Self.logWriteSQL).execute(
            binding: [
                .integer(Int64(changes.count)), .text(first.table), .text(first.record.rawValue), .text(first.org),
                .text(first.field), first.value, .integer(first.hlc.rawValue), .text(first.node.rawValue),
                .text(first.versionVector.description), Self.more(changes[...]),
            ])
    }

    /// A packed row's `more`: the fields and values of a write's changes after the first, or
    /// NULL for a write of one field.
    static func more(_ write: ArraySlice<FieldChange>) -> FieldValue {
        guard write.count > 1 else { return .null }
        return .text(PackedFields.encode(write.dropFirst().map { ($0.field, $0.value) }))
    }

    static let logWriteSQL = """
        INSERT INTO change_log_row (seq, n, tbl, record, org, field, value, hlc, node, vv, more)
        VALUES ((SELECT coalesce(max(seq), 0) FROM change_log_row) + ?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """

    static func logInsertSQL(rows: Int) -> String {
        rows <= sqlCacheSize ? logInsertSQLs[rows] : makeLogInsertSQL(rows: rows)
    }

    // The statements' text, made once: GRDB finds a cached statement by its SQL, and
    // joining it anew on every write cost more than the lookup.
    private static let sqlCacheSize = 64
    private static let logInsertSQLs = (0...sqlCacheSize).map(makeLogInsertSQL)

    private static func makeLogInsertSQL(rows: Int) -> String {
        "INSERT INTO change_log_row (seq, n, tbl, record, org, field, value, hlc, node, vv, more) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    public func keepOpaque(_ change: FieldChange) throws -> Bool {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO opaque_change (tbl, record, field, node, hlc) VALUES (?, ?, ?, ?, ?)"
        ).execute(
            arguments: [
                change.table, change.record.rawValue, change.field, change.node.rawValue, change.hlc.rawValue,
            ])
        return db.changesCount > 0
    }

    public func observe(_ stamp: HLCTimestamp) throws {
        try db.cachedStatement(sql: "UPDATE node SET clock = ? WHERE clock < ?")
            .execute(arguments: [stamp.rawValue, stamp.rawValue])
    }

    public func registerNode(_ node: NodeID, org: String) throws {
        try PeerDirectory.store(node, org: org, in: db)
    }
}
