import GRDB
import TierSyncCore

/// One row of the change log: a field change and the local sequence number it was logged at.
public struct ChangeLogEntry: Sendable, Hashable {
    public let seq: Int64
    public let change: FieldChange

    /// Entries after `seq`, in log order, at most `limit`.
    public static func fetch(_ db: Database, after seq: Int64 = 0, limit: Int = .max) throws -> [ChangeLogEntry] {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT * FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
            arguments: [seq, Int64(min(limit, Int(Int64.max)))])
        var entries: [ChangeLogEntry] = []
        while let row = try rows.next() { entries.append(try ChangeLogEntry(row: row)) }
        return entries
    }

    init(row: Row) throws {
        let seq: Int64 = row["seq"]
        guard let record = RecordID(row["record"] as String), let node = NodeID(row["node"] as String),
            let vector = VersionVector(parsing: row["vv"] as String),
            let value = FieldValue.fromDatabaseValue(row["value"])
        else { throw StoreError.corruptRow(table: "change_log", id: String(seq)) }
        self.seq = seq
        self.change = FieldChange(
            table: row["tbl"], record: record, org: row["org"], field: row["field"], value: value,
            hlc: HLCTimestamp(rawValue: row["hlc"]), node: node, versionVector: vector)
    }
}
