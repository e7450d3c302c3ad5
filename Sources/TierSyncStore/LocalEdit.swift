import TierSyncCore

/// A person's edit on a store whose writes all go through a `MergeStorage` (a hub on
/// PostgreSQL): the edit is made as changes of this node and applied with the merge that
/// every node runs, so the record, its versions, its log entries and the conflicts it ends
/// come out as `ChangeWriter` writes them on SQLite.
///
/// As there, each field's new version is made on top of every version of it kept here (the
/// shown one and the conflict losers, which it settles), and a delete on top of the whole
/// record. The storage is the caller's, in the caller's transaction; a storage that holds
/// writes (`PostgresMergeStorage`) is flushed by the caller.
///
/// ```swift
/// var edit = LocalEdit(merge: merge, directory: directory)
/// try edit.insert(table: "directive", id: id, org: "520200", fields: ["title": .text("防汛通知")])
/// try edit.update(table: "contact", id: contact, fields: ["phone": .text("13900000001")])
/// ```
public struct LocalEdit<Storage: MergeStorage>: RecordWriting {
    private(set) var merge: RemoteMerge<Storage>
    public let directory: PeerDirectory
    /// The stamps of the changes made so far (the first and the last) and the org of the
    /// first: what names a person as the author of the edit (`edit_author`).
    public private(set) var made: (first: HLCTimestamp, last: HLCTimestamp, org: String)?

    public init(merge: RemoteMerge<Storage>, directory: PeerDirectory) {
        (self.merge, self.directory) = (merge, directory)
    }

    /// The clock after the edits made so far: the next writer of the same transaction
    /// starts from it instead of reading it again.
    public var clock: HybridLogicalClock { merge.clock }

    /// Inserts a new record, as `RecordWriting.insert` says; returns its changes in field order.
    @discardableResult
    public mutating func insert(
        table name: String, id: RecordID, org: String, fields: [String: FieldValue]
    ) throws -> [FieldChange] {
        let table = try table(named: name)
        let values = try normalized(fields, in: table)
        let version = FieldVersion.first(hlc: nextStamp(), node: merge.node)
        let changes = table.fields.compactMap { field in
            values[field.name].flatMap { value in
                value.isNull
                    ? nil : FieldChange(name, id, org, field.name, VersionedValue(value: value, version: version))
            }
        }
        // A record is known to its peers only through its changes, so one with no value
        // would never sync.
        guard !changes.isEmpty else { throw StoreError.emptyRecord(table: name) }
        guard try merge.storage.record(table, id: id) == nil else {
            throw StoreError.recordExists(table: name, id: id.rawValue)
        }
        try apply(changes)
        return changes
    }

    /// Sets fields of a live record, as `RecordWriting.update` says.
    @discardableResult
    public mutating func update(
        table name: String, id: RecordID, fields: [String: FieldValue], rewrite: Set<String> = [],
        settlement: String = "superseded by an edit made on top of it", onTopOfRecord: Bool = false
    ) throws -> [FieldChange] {
        let table = try table(named: name)
        let values = try normalized(fields, in: table)
        let current = try live(table, id)
        let changed = table.fields.filter { field in
            values[field.name].map { $0 != current[field.name] || rewrite.contains(field.name) } ?? false
        }
        guard !changed.isEmpty else { return [] }
        let stamp = nextStamp()
        let recordClock = current.versions.recordClock
        var changes: [FieldChange] = []
        for field in changed {
            let shown = current.versions.version(of: field.name, isSet: !current[field.name].isNull)
            let seen = (shown.map { [$0.versionVector] } ?? []) + (onTopOfRecord ? [recordClock] : [])
            let version = try settlingLosers(of: field.name, in: current, seen: seen, how: settlement) {
                FieldVersion.localEdit(onTopOf: $0, recordClock: recordClock, hlc: stamp, node: merge.node)
            }
            changes.append(
                FieldChange(
                    name, id, current.org, field.name, VersionedValue(value: values[field.name]!, version: version)))
        }
        try apply(changes)
        return changes
    }

    /// Deletes or restores a record, as `RecordWriting.setDeleted` says: made on top of the
    /// whole record, so that a later edit it did not see shows up as a delete conflict
    /// instead of vanishing in the tombstone.
    @discardableResult
    public mutating func setDeleted(
        _ deleted: Bool, table name: String, id: RecordID, again: Bool = false, settlement: String
    ) throws -> FieldChange {
        let table = try table(named: name)
        guard let current = try merge.storage.record(table, id: id) else {
            throw StoreError.recordNotFound(table: name, id: id.rawValue)
        }
        if deleted && current.deleted && !again { throw StoreError.recordDeleted(table: name, id: id.rawValue) }
        let seen = current.versions.recordClock
        let stamp = nextStamp()
        let version = try settlingLosers(of: FieldChange.deletedField, in: current, seen: [seen], how: settlement) {
            _ in
            FieldVersion.localEdit(onTopOf: [seen], recordClock: seen, hlc: stamp, node: merge.node)
        }
        let change = FieldChange(
            name, id, current.org, FieldChange.deletedField,
            VersionedValue(value: .integer(deleted ? 1 : 0), version: version))
        try apply([change])
        return change
    }

    /// The record, deleted or not; nil when there is none.
    public func fetch(table name: String, id: RecordID) throws -> StoredRecord? {
        try merge.storage.record(try table(named: name), id: id)
    }

    /// The version `make` returns on top of `seen` and of the field's kept losers, which it
    /// then settles: the merge finds none left, as on SQLite, where the edit settles them.
    private func settlingLosers(
        of field: String, in record: StoredRecord, seen: [VersionVector], how: String,
        make: ([VersionVector]) -> FieldVersion
    ) throws -> FieldVersion {
        // Only a record that kept a loser (its versions note it) can have losers to settle.
        let losers =
            record.versions.seenElsewhere.entries.isEmpty
            ? [] : try merge.keptLosers(table: record.table, id: record.id, field: field)
        let version = make(seen + losers.compactMap { $0.versioned?.version.versionVector })
        for loser in losers { try merge.storage.settleConflict(id: loser.id!, by: version, how: how) }
        return version
    }

    /// Applies this node's changes with the merge; each is made on top of what is kept, so
    /// each applies, without a conflict. Anything else (a value or a field the merge refuses,
    /// a change it finds known) is refused whole, and the caller's transaction rolls back.
    private mutating func apply(_ changes: [FieldChange]) throws {
        if let first = changes.first, let low = changes.map(\.hlc).min(), let high = changes.map(\.hlc).max() {
            made = (min(made?.first ?? low, low), max(made?.last ?? high, high), made?.org ?? first.org)
        }
        let report = try merge.apply(changes, directory: directory)
        if let refused = report.refused.first {
            throw StoreError.editRefused(table: refused.table, id: refused.record, reason: refused.reason)
        }
        guard report.applied != changes.count || report.conflicts != 0, let first = changes.first else { return }
        throw StoreError.editRefused(
            table: first.table, id: first.record.rawValue,
            reason: "\(report.applied) of its \(changes.count) changes applied, \(report.conflicts) in conflict")
    }

    /// A stamp after every one this node issued or observed; the merge then observes it.
    private func nextStamp() -> HLCTimestamp {
        var clock = merge.clock
        return clock.tick(wall: merge.wallClock.nowMilliseconds())
    }

    private func live(_ table: SyncedTable, _ id: RecordID) throws -> StoredRecord {
        guard let record = try merge.storage.record(table, id: id) else {
            throw StoreError.recordNotFound(table: table.name, id: id.rawValue)
        }
        if record.deleted { throw StoreError.recordDeleted(table: table.name, id: id.rawValue) }
        return record
    }

    private func table(named name: String) throws -> SyncedTable {
        guard let table = merge.tables[name] else {
            throw StoreError.unknownTable(name, known: merge.tables.keys.sorted())
        }
        return table
    }

    /// The values as the table keeps them: text holding NUL refused in the table's field
    /// order, then a field the table lacks, as `ChangeWriter.insert` refuses them.
    private func normalized(_ fields: [String: FieldValue], in table: SyncedTable) throws -> [String: FieldValue] {
        var values: [String: FieldValue] = [:]
        for field in table.fields {
            guard let given = fields[field.name] else { continue }
            let value = table.normalized(given, for: field)
            try ChangeWriter.requireNoNUL(value, table: table.name, field: field.name)
            values[field.name] = value
        }
        if let unknown = fields.keys.sorted().first(where: { values[$0] == nil }) {
            throw StoreError.unknownField(table: table.name, field: unknown, known: table.fieldNames)
        }
        return values
    }
}
