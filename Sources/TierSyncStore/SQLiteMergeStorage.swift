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

    /// One multi-row `INSERT` per call: one statement per write instead of one per field.
    public func log(_ changes: [FieldChange]) throws {
        guard let first = changes.first else { return }
        if changes.allSatisfy({ $0.isSameWrite(as: first) }) { return try logWrite(changes) }
        var arguments: [FieldValue] = []
        arguments.reserveCapacity(changes.count * 8)
        var vectorText = ""
        var lastVector: VersionVector?
        for change in changes {
            // The changes of one write usually share one vector: render it once.
            if lastVector != change.versionVector {
                vectorText = change.versionVector.description
                lastVector = change.versionVector
            }
            arguments += [
                .text(change.table), .text(change.record.rawValue), .text(change.org), .text(change.field),
                change.value, .integer(change.hlc.rawValue), .text(change.node.rawValue), .text(vectorText),
            ]
        }
        try db.cachedStatement(sql: Self.logInsertSQL(rows: changes.count)).execute(binding: arguments)
    }

    /// The changes of one local write, which differ only in field and value: what they share
    /// is bound once and named by every row (`?1`…`?6`), so a 7-field insert binds 20 values
    /// instead of 56. Binding was most of the log's cost on the local-write path.
    private func logWrite(_ changes: [FieldChange]) throws {
        let first = changes[0]
        var arguments: [FieldValue] = [
            .text(first.table), .text(first.record.rawValue), .text(first.org), .integer(first.hlc.rawValue),
            .text(first.node.rawValue), .text(first.versionVector.description),
        ]
        arguments.reserveCapacity(6 + 2 * changes.count)
        for change in changes { arguments += [.text(change.field), change.value] }
        try db.cachedStatement(sql: Self.logWriteSQL(rows: changes.count)).execute(binding: arguments)
    }

    static func logInsertSQL(rows: Int) -> String {
        rows <= sqlCacheSize ? logInsertSQLs[rows] : makeLogInsertSQL(rows: rows)
    }

    static func logWriteSQL(rows: Int) -> String {
        rows <= sqlCacheSize ? logWriteSQLs[rows] : makeLogWriteSQL(rows: rows)
    }

    // The statements' text, made once: GRDB finds a cached statement by its SQL, and
    // joining it anew on every write cost more than the lookup.
    private static let sqlCacheSize = 64
    private static let logInsertSQLs = (0...sqlCacheSize).map(makeLogInsertSQL)
    private static let logWriteSQLs = (0...sqlCacheSize).map(makeLogWriteSQL)

    private static func makeLogInsertSQL(rows: Int) -> String {
        "INSERT INTO change_log (tbl, record, org, field, value, hlc, node, vv) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    private static func makeLogWriteSQL(rows: Int) -> String {
        "INSERT INTO change_log (tbl, record, org, field, value, hlc, node, vv) VALUES "
            + (0..<rows).map { "(?1, ?2, ?3, ?\(7 + 2 * $0), ?\(8 + 2 * $0), ?4, ?5, ?6)" }.joined(separator: ", ")
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

extension FieldChange {
    /// Whether both changes are fields of one write: the same record, stamp and vector.
    fileprivate func isSameWrite(as other: FieldChange) -> Bool {
        hlc == other.hlc && node == other.node && record == other.record && table == other.table
            && org == other.org && versionVector == other.versionVector
    }
}
