import GRDB
import TierSyncCore

/// A synced record as the store holds it: bookkeeping plus the current value of each field.
public struct StoredRecord: Sendable, Hashable {
    public let table: String
    public let id: RecordID
    public let org: String
    public let created: HLCTimestamp
    public let updated: HLCTimestamp
    public let deleted: Bool
    /// Every field of the table, null where unset.
    public let fields: [String: FieldValue]
    public let versions: FieldVersions

    public subscript(field: String) -> FieldValue { fields[field] ?? .null }

    /// The version of a field's current value (of the delete mark for `_deleted`); nil for a
    /// field never set.
    public func version(of field: String) -> FieldVersion? {
        versions.version(of: field, isSet: !self[field].isNull)
    }

    public init(
        table: String, id: RecordID, org: String, created: HLCTimestamp, updated: HLCTimestamp, deleted: Bool,
        fields: [String: FieldValue], versions: FieldVersions
    ) {
        (self.table, self.id, self.org, self.created, self.updated) = (table, id, org, created, updated)
        (self.deleted, self.fields, self.versions) = (deleted, fields, versions)
    }

    /// Reads a row of all the table's columns in schema order (`SELECT *`): the bookkeeping
    /// columns first, then the fields (`SyncedTable.loadAll` checks that layout). Columns are
    /// read by position: looking them up by name costs more than the rest of the read.
    public init(table: SyncedTable, row: Row) throws {
        try self.init(table: table, positional: row)
    }

    /// Reads a row of a `SELECT *` by position: GRDB's `Row`, or the current row of a
    /// statement stepped through SQLite's C API (`SQLiteColumns`).
    init(table: SyncedTable, positional row: some PositionalRow) throws {
        let idText = row.text(at: 0)
        guard let id = RecordID(idText) else {
            throw StoreError.corruptRow(table: table.name, id: idText)
        }
        guard let versions = FieldVersions(parsing: row.text(at: 5)) else {
            throw StoreError.corruptRow(table: table.name, id: idText)
        }
        self.table = table.name
        self.id = id
        self.org = row.text(at: 1)
        self.created = HLCTimestamp(rawValue: row.integer(at: 2))
        self.updated = HLCTimestamp(rawValue: row.integer(at: 3))
        self.deleted = row.integer(at: 4) != 0
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(table.fields.count)
        let first = Int32(SyncedTable.bookkeepingColumns.count)
        for (offset, field) in table.fields.enumerated() {
            fields[field.name] = row.value(at: first + Int32(offset))
        }
        self.fields = fields
        self.versions = versions
    }
}

/// A row whose columns are read by position: GRDB's `Row`, or a statement's current row.
protocol PositionalRow {
    func integer(at column: Int32) -> Int64
    func text(at column: Int32) -> String
    func value(at column: Int32) -> FieldValue
}

extension SQLiteColumns: PositionalRow {}

extension Row: PositionalRow {
    func integer(at column: Int32) -> Int64 { self[Int(column)] }
    func text(at column: Int32) -> String { self[Int(column)] ?? "" }
    func value(at column: Int32) -> FieldValue { FieldValue.fromDatabaseValue(self[Int(column)]) ?? .null }
}
