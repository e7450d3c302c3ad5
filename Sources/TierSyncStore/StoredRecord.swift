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

    /// The version of a field's current value; nil for a field never set.
    public func version(of field: String) -> FieldVersion? {
        versions.version(of: field, isSet: !self[field].isNull)
    }

    public init(table: SyncedTable, row: Row) throws {
        let idText: String = row["id"]
        guard let id = RecordID(idText) else {
            throw StoreError.corruptRow(table: table.name, id: idText)
        }
        guard let versions = FieldVersions(parsing: row["versions"]) else {
            throw StoreError.corruptRow(table: table.name, id: idText)
        }
        self.table = table.name
        self.id = id
        self.org = row["org"]
        self.created = HLCTimestamp(rawValue: row["created"])
        self.updated = HLCTimestamp(rawValue: row["updated"])
        self.deleted = (row["deleted"] as Int64) != 0
        var fields: [String: FieldValue] = [:]
        for field in table.fields {
            fields[field.name] = FieldValue.fromDatabaseValue(row[field.name]) ?? .null
        }
        self.fields = fields
        self.versions = versions
    }
}
