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
        guard !changes.isEmpty else { return }
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

    static func logInsertSQL(rows: Int) -> String {
        "INSERT INTO change_log (tbl, record, org, field, value, hlc, node, vv) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
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
