import GRDB
import TierSyncCore

/// Writes synced records inside one transaction and logs exactly one change per field
/// whose value changed, with a fresh stamp and the field's next version vector.
///
/// Obtained from `NodeStore.write`; `db` is there for reads and checks that must see the
/// same transaction (a stock balance before an issue, say). Every statement here is
/// prepared once per connection and reused: this is the hot path of local writes.
///
/// A local edit is made on top of every version of the field this node keeps (the shown one
/// and any conflict losers), so it supersedes them all: that is how an ordinary edit, or a
/// conflict's resolution, ends a conflict here and on every node it reaches.
public struct ChangeWriter {
    public let db: Database
    public let node: NodeID
    public let tables: [String: SyncedTable]
    let policies: MergePolicies
    var clock: HybridLogicalClock
    let wallClock: any WallClock
    let directories: DirectoryCache

    init(
        db: Database, tables: [String: SyncedTable], policies: MergePolicies, wallClock: any WallClock,
        directories: DirectoryCache
    ) throws {
        // The clock resumes from the greater of the stamps observed from peers (node.clock)
        // and the newest log entry, which holds the last stamp issued here: no write to the
        // node row per transaction.
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id, max(clock, coalesce((SELECT hlc FROM change_log_row ORDER BY seq DESC LIMIT 1), 0)) FROM node
                        """)),
            let node = NodeID(row[0] as String)
        else { throw StoreError.notInitialized(path: db.description) }
        self.db = db
        self.node = node
        self.tables = tables
        self.policies = policies
        self.clock = HybridLogicalClock(last: HLCTimestamp(rawValue: row[1]))
        self.wallClock = wallClock
        self.directories = directories
    }

    /// The directory of nodes and orgs as this transaction sees it (kept between transactions).
    public func directory() throws -> PeerDirectory { try directories.directory(db) }

    /// Inserts a new record; logs a change for each non-null field (there must be one).
    ///
    /// - Returns: the changes logged, in field order.
    @discardableResult
    public mutating func insert(
        table name: String, id: RecordID, org: String, fields: [String: FieldValue]
    ) throws -> [FieldChange] {
        let table = try table(named: name)
        let stamp = clock.tick(wall: wallClock.nowMilliseconds())
        let version = FieldVersion.first(hlc: stamp, node: node)
        let versions = FieldVersions(initial: version)
        var changes: [FieldChange] = []
        changes.reserveCapacity(fields.count)
        var arguments: [FieldValue] = [
            .text(id.rawValue), .text(org), .integer(stamp.rawValue), .integer(stamp.rawValue), .integer(0), .null,
        ]
        arguments.reserveCapacity(arguments.count + table.fields.count)
        // The table's fields are walked once, each looked up in `fields`: no normalized copy
        // of the dictionary on this hot path. A name matching none of them is found by count.
        var matched = 0
        for field in table.fields {
            guard let given = fields[field.name] else {
                arguments.append(.null)
                continue
            }
            matched += 1
            let value = table.normalized(given, for: field)
            try Self.requireNoNUL(value, table: name, field: field.name)
            arguments.append(value)
            guard !value.isNull else { continue }
            changes.append(FieldChange(name, id, org, field.name, VersionedValue(value: value, version: version)))
        }
        if matched != fields.count { _ = try normalized(fields, in: table) }
        // A record is known to its peers only through its changes, so one with no value
        // would never sync.
        guard !changes.isEmpty else { throw StoreError.emptyRecord(table: name) }
        arguments[5] = .text(versions.encoded)
        do {
            try db.cachedStatement(sql: table.insertSQL).execute(binding: arguments)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError.recordExists(table: name, id: id.rawValue)
        }
        try log(changes)
        return changes
    }

    /// Sets fields of an existing, not deleted record; logs only the fields whose value
    /// differs from the stored one. A write that changes nothing logs nothing.
    ///
    /// - Parameters:
    ///   - rewrite: fields to write even when the value is unchanged (resolving a conflict
    ///     in favour of the shown value is a new edit of that same value).
    ///   - settlement: how conflicts this edit ends are described in their history.
    ///   - onTopOfRecord: fields whose new version is made on top of everything the record
    ///     has seen, not only of the field's own versions: an approval, which must tell the
    ///     edits it saw from those it did not.
    @discardableResult
    public mutating func update(
        table name: String, id: RecordID, fields: [String: FieldValue], rewrite: Set<String> = [],
        settlement: String = "superseded by an edit made on top of it", onTopOfRecord: Bool = false
    ) throws -> [FieldChange] {
        let table = try table(named: name)
        let values = try normalized(fields, in: table)
        for (field, value) in values { try Self.requireNoNUL(value, table: name, field: field) }
        let requested = table.fields.filter { values[$0.name] != nil }
        let current = try fetchState(table, id, fields: requested)
        let changed = requested.filter { values[$0.name]! != current.values[$0.name] || rewrite.contains($0.name) }
        guard !changed.isEmpty else { return [] }
        let stamp = clock.tick(wall: wallClock.nowMilliseconds())
        var versions = current.versions
        // What the record has seen is the same for every field of this write: merged once.
        let recordClock = current.versions.recordClock
        var changes: [FieldChange] = []
        for field in changed {
            let isSet = current.values[field.name].map { !$0.isNull } ?? false
            let version = try nextVersion(
                of: field.name, table: name, id: id, versions: current.versions, recordClock: recordClock,
                isSet: isSet, stamp: stamp, settlement: settlement, onTopOfRecord: onTopOfRecord)
            versions[field.name] = version
            changes.append(
                FieldChange(
                    name, id, current.org, field.name, VersionedValue(value: values[field.name]!, version: version)))
        }
        let sql =
            "UPDATE \(name) SET updated = ?, versions = ?, "
            + changed.map { "\($0.name) = ?" }.joined(separator: ", ") + " WHERE id = ?"
        var arguments: [FieldValue] = [.integer(stamp.rawValue), .text(versions.encoded)]
        arguments += changed.map { values[$0.name]! }
        arguments.append(.text(id.rawValue))
        try db.cachedStatement(sql: sql).execute(binding: arguments)
        try log(changes)
        // A new approval (or its withdrawal) changes how the record's kept versions rank and
        // which of them are amendments, as it does when it arrives from a peer.
        if let lockField = policies.locks[name]?.lockField, changed.contains(where: { $0.name == lockField }) {
            try rerank(table: name, id: id)
        }
        return changes
    }

    /// Deletes (`true`) or restores (`false`) a record, logged as its `_deleted` field.
    /// Deleting a deleted record is refused unless `again` (confirming a delete that a
    /// conflict contests).
    @discardableResult
    public mutating func setDeleted(
        _ deleted: Bool, table name: String, id: RecordID, again: Bool = false, settlement: String
    ) throws -> FieldChange {
        let table = try table(named: name)
        guard let current = try fetch(table: name, id: id) else {
            throw StoreError.recordNotFound(table: name, id: id.rawValue)
        }
        if deleted && current.deleted && !again { throw StoreError.recordDeleted(table: name, id: id.rawValue) }
        let stamp = clock.tick(wall: wallClock.nowMilliseconds())
        let field = FieldChange.deletedField
        // Made on top of the whole record, so a later edit of any field that this delete did
        // not see shows up as a delete conflict instead of vanishing in the tombstone.
        let seen = current.versions.recordClock
        let version = FieldVersion.localEdit(onTopOf: [seen], recordClock: seen, hlc: stamp, node: node)
        let merge = remoteMerge()
        if !current.versions.seenElsewhere.entries.isEmpty {
            for loser in try merge.keptLosers(table: name, id: id, field: field) {
                try merge.storage.settleConflict(id: loser.id!, by: version, how: settlement)
            }
        }
        var state = RecordState(current, table: table)
        state.show(field, VersionedValue(value: .integer(deleted ? 1 : 0), version: version))
        try state.flush(into: merge.storage)
        try merge.reviewDeletion(&state)
        let change = FieldChange(
            name, id, current.org, field, VersionedValue(value: .integer(deleted ? 1 : 0), version: version))
        try log([change])
        return change
    }

    /// The record, deleted or not; nil when there is none.
    public func fetch(table name: String, id: RecordID) throws -> StoredRecord? {
        try table(named: name).record(id, in: db)
    }

    /// Folds a stamp received from another node into the clock and persists it, so that
    /// later local stamps, in any process, order after it.
    public mutating func observe(_ remote: HLCTimestamp) throws {
        clock.observe(remote)
        try SQLiteMergeStorage(db: db).observe(remote)
    }

    /// The version of a local edit of `field`: on top of the shown version and of every
    /// conflict loser kept for the field (which it settles), counting one more write by this
    /// node to the record.
    private func nextVersion(
        of field: String, table: String, id: RecordID, versions: FieldVersions, recordClock: VersionVector,
        isSet: Bool, stamp: HLCTimestamp, settlement: String, onTopOfRecord: Bool
    ) throws -> FieldVersion {
        // Only a record that kept a loser (its versions note it) can have losers to settle.
        let merge = remoteMerge()
        let losers =
            versions.seenElsewhere.entries.isEmpty ? [] : try merge.keptLosers(table: table, id: id, field: field)
        let seen =
            (versions.version(of: field, isSet: isSet).map { [$0.versionVector] } ?? [])
            + losers.compactMap { $0.versioned?.version.versionVector } + (onTopOfRecord ? [recordClock] : [])
        let version = FieldVersion.localEdit(onTopOf: seen, recordClock: recordClock, hlc: stamp, node: node)
        for loser in losers { try merge.storage.settleConflict(id: loser.id!, by: version, how: settlement) }
        return version
    }

    func table(named name: String) throws -> SyncedTable {
        guard let table = tables[name] else { throw StoreError.unknownTable(name, known: tables.keys.sorted()) }
        return table
    }

    /// What an update needs of a live record: its org, field versions and the current values
    /// of the fields being set, read without materializing the whole row.
    private func fetchState(
        _ table: SyncedTable, _ id: RecordID, fields: [SyncedTable.Field]
    ) throws -> (org: String, versions: FieldVersions, values: [String: FieldValue]) {
        let sql =
            "SELECT org, deleted, versions" + fields.map { ", " + $0.name }.joined()
            + " FROM \(table.name) WHERE id = ?"
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: [id.rawValue])
        guard let row = try rows.next() else { throw StoreError.recordNotFound(table: table.name, id: id.rawValue) }
        if (row[1] as Int64) != 0 { throw StoreError.recordDeleted(table: table.name, id: id.rawValue) }
        guard let versions = FieldVersions(parsing: row[2]) else {
            throw StoreError.corruptRow(table: table.name, id: id.rawValue)
        }
        var values: [String: FieldValue] = [:]
        for (offset, field) in fields.enumerated() {
            values[field.name] = FieldValue.fromDatabaseValue(row[3 + offset]) ?? .null
        }
        return (row[0], versions, values)
    }

    private func normalized(_ fields: [String: FieldValue], in table: SyncedTable) throws -> [String: FieldValue] {
        var values: [String: FieldValue] = [:]
        values.reserveCapacity(fields.count)
        for (name, value) in fields {
            guard let field = table.field(named: name) else {
                throw StoreError.unknownField(table: table.name, field: name, known: table.fieldNames)
            }
            values[name] = table.normalized(value, for: field)
        }
        return values
    }

    /// Text holding NUL reads back cut short through GRDB, and a parent refuses it
    /// (`ChangeCheck`): refused before anything is written.
    static func requireNoNUL(_ value: FieldValue, table: String, field: String) throws {
        if case .text(let text) = value, text.utf8.contains(0) {
            throw StoreError.textWithNUL(table: table, field: field)
        }
    }

    /// Appends the changes of one local write to the log, as one row.
    func log(_ changes: [FieldChange]) throws {
        try SQLiteMergeStorage(db: db).logWrite(changes)
    }

}
