import GRDB
import TierSyncCore

/// Writes synced records inside one transaction and logs exactly one change per field
/// whose value changed, with a fresh stamp and the field's extended version vector.
///
/// Obtained from `NodeStore.write`; `db` is there for reads and checks that must see the
/// same transaction (a stock balance before an issue, say).
public struct ChangeWriter {
    public let db: Database
    public let node: NodeID
    public let tables: [String: SyncedTable]
    private var clock: HybridLogicalClock
    private let wallClock: any WallClock

    init(db: Database, tables: [String: SyncedTable], wallClock: any WallClock) throws {
        guard let identity = try NodeIdentity.fetchOne(db) else {
            throw StoreError.notInitialized(path: db.description)
        }
        self.db = db
        self.node = identity.id
        self.tables = tables
        self.clock = HybridLogicalClock(last: HLCTimestamp(rawValue: identity.clock))
        self.wallClock = wallClock
    }

    /// Inserts a new record; logs a change for each non-null field.
    ///
    /// - Returns: the changes logged, in field order.
    @discardableResult
    public mutating func insert(
        table name: String, id: RecordID, org: String, fields: [String: FieldValue]
    ) throws -> [FieldChange] {
        let table = try table(named: name)
        let values = try normalized(fields, in: table)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM \(name) WHERE id = ?", arguments: [id.rawValue]) == true {
            throw StoreError.recordExists(table: name, id: id.rawValue)
        }
        let stamp = clock.tick(wall: wallClock.nowMilliseconds())
        var versions = FieldVersions()
        var changes: [FieldChange] = []
        for field in table.fields {
            guard let value = values[field.name], !value.isNull else { continue }
            let version = FieldVersion.first(hlc: stamp, node: node)
            versions[field.name] = version
            changes.append(change(name, id, org, field.name, value, version))
        }
        let columns = table.fieldNames
        let sql = "INSERT INTO \(name) (id, org, created, updated, deleted, versions, "
            + columns.joined(separator: ", ") + ") VALUES (?, ?, ?, ?, 0, ?"
            + String(repeating: ", ?", count: columns.count) + ")"
        var arguments: StatementArguments = [id.rawValue, org, stamp.rawValue, stamp.rawValue, versions.encoded]
        arguments += StatementArguments(columns.map { values[$0] ?? .null })
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
        try log(changes)
        return changes
    }

    /// Sets fields of an existing, not deleted record; logs only the fields whose value
    /// differs from the stored one. A write that changes nothing logs nothing.
    @discardableResult
    public mutating func update(
        table name: String, id: RecordID, fields: [String: FieldValue]
    ) throws -> [FieldChange] {
        let table = try table(named: name)
        let values = try normalized(fields, in: table)
        let current = try fetchLive(table, id)
        let changed = table.fields.filter { field in
            values[field.name].map { $0 != current[field.name] } ?? false
        }
        guard !changed.isEmpty else { return [] }
        let stamp = clock.tick(wall: wallClock.nowMilliseconds())
        var versions = current.versions
        var changes: [FieldChange] = []
        for field in changed {
            let version = versions[field.name].map { $0.successor(hlc: stamp, node: node) }
                ?? .first(hlc: stamp, node: node)
            versions[field.name] = version
            changes.append(change(name, id, current.org, field.name, values[field.name]!, version))
        }
        let sql = "UPDATE \(name) SET updated = ?, versions = ?, "
            + changed.map { "\($0.name) = ?" }.joined(separator: ", ") + " WHERE id = ?"
        var arguments: StatementArguments = [stamp.rawValue, versions.encoded]
        arguments += StatementArguments(changed.map { values[$0.name]! })
        arguments += [id.rawValue]
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
        try log(changes)
        return changes
    }

    /// Marks a record deleted: a tombstone, logged as the `_deleted` field set to 1.
    @discardableResult
    public mutating func delete(table name: String, id: RecordID) throws -> FieldChange {
        let table = try table(named: name)
        let current = try fetchLive(table, id)
        let stamp = clock.tick(wall: wallClock.nowMilliseconds())
        var versions = current.versions
        let field = FieldChange.deletedField
        let version = versions[field].map { $0.successor(hlc: stamp, node: node) } ?? .first(hlc: stamp, node: node)
        versions[field] = version
        try db.execute(
            sql: "UPDATE \(name) SET deleted = 1, updated = ?, versions = ? WHERE id = ?",
            arguments: [stamp.rawValue, versions.encoded, id.rawValue])
        let tombstone = change(name, id, current.org, field, .integer(1), version)
        try log([tombstone])
        return tombstone
    }

    /// The record, deleted or not; nil when there is none.
    public func fetch(table name: String, id: RecordID) throws -> StoredRecord? {
        let table = try table(named: name)
        return try Row.fetchOne(db, sql: "SELECT * FROM \(name) WHERE id = ?", arguments: [id.rawValue])
            .map { try StoredRecord(table: table, row: $0) }
    }

    /// Persists the clock so that the next transaction, in any process, stamps after this one.
    func saveClock() throws {
        try db.cachedStatement(sql: "UPDATE node SET clock = ? WHERE clock < ?")
            .execute(arguments: [clock.last.rawValue, clock.last.rawValue])
    }

    private func table(named name: String) throws -> SyncedTable {
        guard let table = tables[name] else { throw StoreError.unknownTable(name, known: tables.keys.sorted()) }
        return table
    }

    private func fetchLive(_ table: SyncedTable, _ id: RecordID) throws -> StoredRecord {
        guard let record = try fetch(table: table.name, id: id) else {
            throw StoreError.recordNotFound(table: table.name, id: id.rawValue)
        }
        if record.deleted { throw StoreError.recordDeleted(table: table.name, id: id.rawValue) }
        return record
    }

    private func normalized(_ fields: [String: FieldValue], in table: SyncedTable) throws -> [String: FieldValue] {
        var values: [String: FieldValue] = [:]
        for (name, value) in fields {
            guard let field = table.field(named: name) else {
                throw StoreError.unknownField(table: table.name, field: name, known: table.fieldNames)
            }
            values[name] = table.normalized(value, for: field)
        }
        return values
    }

    private func change(
        _ table: String, _ id: RecordID, _ org: String, _ field: String, _ value: FieldValue, _ version: FieldVersion
    ) -> FieldChange {
        FieldChange(
            table: table, record: id, org: org, field: field, value: value, hlc: version.hlc,
            node: version.node, versionVector: version.versionVector)
    }

    private func log(_ changes: [FieldChange]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO change_log (tbl, record, org, field, value, hlc, node, vv) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        for change in changes {
            try statement.execute(arguments: [
                change.table, change.record.rawValue, change.org, change.field, change.value,
                change.hlc.rawValue, change.node.rawValue, change.versionVector.description,
            ])
        }
    }
}
