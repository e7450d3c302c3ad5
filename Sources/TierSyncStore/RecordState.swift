import GRDB
import TierSyncCore

/// One record's row while a batch of remote changes is applied to it: read once, changed in
/// memory by every change of the batch, written once.
struct RecordState {
    let table: SyncedTable
    let id: RecordID
    let org: String
    /// False until the row exists in the database.
    var stored: Bool
    var created: HLCTimestamp
    var updated: HLCTimestamp
    var deleted: Bool
    var versions: FieldVersions
    var values: [String: FieldValue]
    var dirty = false

    /// A record that does not exist yet, made by the first change that names it.
    init(table: SyncedTable, id: RecordID, org: String, created: HLCTimestamp) {
        self.table = table
        self.id = id
        self.org = org
        self.stored = false
        self.created = created
        self.updated = created
        self.deleted = false
        self.versions = FieldVersions()
        self.values = [:]
    }

    init(_ record: StoredRecord, table: SyncedTable) {
        self.table = table
        self.id = record.id
        self.org = record.org
        self.stored = true
        self.created = record.created
        self.updated = record.updated
        self.deleted = record.deleted
        self.versions = record.versions
        self.values = record.fields
    }

    func value(of field: String) -> FieldValue {
        field == FieldChange.deletedField ? .integer(deleted ? 1 : 0) : values[field] ?? .null
    }

    /// The shown version of a field with its value; nil for a field never set.
    func shown(_ field: String) -> VersionedValue? {
        let value = value(of: field)
        let isSet = field == FieldChange.deletedField ? versions[field] != nil : !value.isNull
        return versions.version(of: field, isSet: isSet).map { VersionedValue(value: value, version: $0) }
    }

    /// Makes `shown` the field's shown version.
    mutating func show(_ field: String, _ shown: VersionedValue) {
        if field == FieldChange.deletedField {
            deleted = shown.value == .integer(1)
        } else {
            values[field] = shown.value
        }
        versions[field] = shown.version
        if shown.version.hlc > updated { updated = shown.version.hlc }
        if shown.version.hlc < created { created = shown.version.hlc }
        dirty = true
    }

    /// Writes the row if anything changed.
    mutating func flush(_ db: Database) throws {
        guard dirty else { return }
        versions = versions.folded { !(values[$0] ?? .null).isNull }
        let fields = table.fields.map { values[$0.name] ?? .null }
        if stored {
            try db.cachedStatement(sql: table.updateAllSQL).execute(
                binding: [
                    .integer(created.rawValue), .integer(updated.rawValue), .integer(deleted ? 1 : 0),
                    .text(versions.encoded),
                ]
                    + fields + [.text(id.rawValue)])
        } else {
            try db.cachedStatement(sql: table.insertSQL).execute(
                binding: [
                    .text(id.rawValue), .text(org), .integer(created.rawValue), .integer(updated.rawValue),
                    .integer(deleted ? 1 : 0), .text(versions.encoded),
                ]
                    + fields)
            stored = true
        }
        dirty = false
    }
}
