import TierSyncCore

/// One record's row while a batch of remote changes is applied to it: read once, changed in
/// memory by every change of the batch, written once.
public struct RecordState: Sendable {
    public let table: SyncedTable
    public let id: RecordID
    public let org: String
    /// False until the row exists in the database.
    public internal(set) var stored: Bool
    public internal(set) var created: HLCTimestamp
    public internal(set) var updated: HLCTimestamp
    public internal(set) var deleted: Bool
    public internal(set) var versions: FieldVersions
    public internal(set) var values: [String: FieldValue]
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
        // Room for every field at once: a new record's fields arrive one change at a time.
        self.versions = FieldVersions(initial: nil, Dictionary(minimumCapacity: table.fields.count))
        self.values = Dictionary(minimumCapacity: table.fields.count)
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

    /// Writes the state through `storage` when it changed, folding the versions of fields
    /// that are null again.
    mutating func flush(into storage: some MergeStorage) throws {
        guard dirty else { return }
        versions = versions.folded { !(values[$0] ?? .null).isNull }
        try storage.write(self)
        stored = true
        dirty = false
    }
}
