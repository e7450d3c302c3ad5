import GRDB
import TierSyncCore

/// One entry of the change log: a field change and the local sequence number it was logged at.
///
/// Entries are stored in `change_log_row`, a local write's fields in one row (see
/// `Schema/0016_packed_log.sql`); `entries(of:)` reads a row back into its entries.
public struct ChangeLogEntry: Sendable, Hashable {
    public let seq: Int64
    public let change: FieldChange

    /// Entries after `seq`, in log order, at most `limit`.
    public static func fetch(_ db: Database, after seq: Int64 = 0, limit: Int = .max) throws -> [ChangeLogEntry] {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT * FROM change_log_row WHERE seq > ? ORDER BY seq", arguments: [seq])
        var entries: [ChangeLogEntry] = []
        while entries.count < limit, let row = try rows.next() {
            for entry in try Self.entries(of: row) where entry.seq > seq && entries.count < limit {
                entries.append(entry)
            }
        }
        return entries
    }

    /// The entries a `change_log_row` row holds, in order, without those compaction dropped.
    static func entries(of row: Row) throws -> [ChangeLogEntry] {
        let seq: Int64 = row["seq"]
        let count: Int64 = row["n"]
        let corrupt = StoreError.corruptRow(table: "change_log_row", id: String(seq))
        guard let record = RecordID(row["record"] as String), let node = NodeID(row["node"] as String),
            let vector = VersionVector(parsing: row["vv"] as String), count >= 1
        else { throw corrupt }
        let table: String = row["tbl"]
        let org: String = row["org"]
        let hlc = HLCTimestamp(rawValue: row["hlc"])
        func entry(_ index: Int64, _ field: String, _ value: FieldValue) -> ChangeLogEntry {
            ChangeLogEntry(
                seq: seq - count + 1 + index,
                change: FieldChange(
                    table: table, record: record, org: org, field: field, value: value, hlc: hlc, node: node,
                    versionVector: vector))
        }
        var entries: [ChangeLogEntry] = []
        let first: String = row["field"]
        if !first.isEmpty {
            guard let value = FieldValue.fromDatabaseValue(row["value"]) else { throw corrupt }
            entries.append(entry(0, first, value))
        }
        guard let more: String = row["more"] else { return count == 1 ? entries : try { throw corrupt }() }
        guard let packed = PackedFields.decode(more), packed.count == count - 1 else { throw corrupt }
        for (index, packed) in packed.enumerated() {
            if let packed { entries.append(entry(Int64(index) + 1, packed.field, packed.value)) }
        }
        return entries
    }
}
